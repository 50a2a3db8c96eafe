using System.Text;
using ObservatoryBackup.Compress;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;

namespace ObservatoryBackup.Tests.Compress;

/// <summary>
/// A damaged gzip backup (bits flipped, cut short, a wrong CRC or length in its trailer, bytes
/// appended) is <c>BackupCorrupt</c> whichever library reads it, ISA-L or zlib-ng, and whichever wrote it.
/// </summary>
[Trait("Tier", "Fast")]
public class GzipDamageTests
{
    private const string ObjectName = "postgres/2026/01/02/observatory_20260102_030405.sql.gz";

    private static readonly GzipCodec[] Codecs = [IsalGzipTests.Isal, ZlibNgGzip.Instance];

    /// <summary>A plain dump across a few of the writer's blocks, pg_dump's closing line at its end.</summary>
    private static byte[] Dump()
    {
        var sql = new StringBuilder("--\n-- PostgreSQL database dump\n--\nCREATE TABLE public.readings (id integer, value text);\nCOPY public.readings (id, value) FROM stdin;\n");
        for (var i = 0; sql.Length < 2 * ParallelGzipStream.DefaultBlockSize + 1000; i++) sql.Append(i).Append("\tvalue ").Append(i * 7919 % 10007).Append('\n');
        sql.Append("\\.\n--\n-- PostgreSQL database dump complete\n--\n\n");
        return Encoding.ASCII.GetBytes(sql.ToString());
    }

    private static async Task VerifyAsync(GzipCodec reader, byte[] gzip)
    {
        using (GzipCodec.Use(reader))
            await BackupVerifier.VerifyAsync(new MemoryStream(gzip), ObjectName, gzip.Length, null, default);
    }

    public static IEnumerable<object[]> Damages()
    {
        yield return ["bit flipped in the header's method", (Func<byte[], byte[]>)(g => Flip(g, 2, 0x01))];
        yield return ["bit flipped a quarter in", (Func<byte[], byte[]>)(g => Flip(g, g.Length / 4, 0x10))];
        yield return ["bit flipped in the middle", (Func<byte[], byte[]>)(g => Flip(g, g.Length / 2, 0x04))];
        yield return ["bit flipped before the trailer", (Func<byte[], byte[]>)(g => Flip(g, g.Length - 12, 0x80))];
        yield return ["wrong CRC", (Func<byte[], byte[]>)(g => Flip(g, g.Length - 8, 0x01))];
        yield return ["wrong length", (Func<byte[], byte[]>)(g => Flip(g, g.Length - 1, 0x01))];
        yield return ["cut at the header", (Func<byte[], byte[]>)(g => g[..5])];
        yield return ["cut in the middle", (Func<byte[], byte[]>)(g => g[..(g.Length / 2)])];
        yield return ["cut inside the trailer", (Func<byte[], byte[]>)(g => g[..^3])];
        yield return ["cut before the trailer", (Func<byte[], byte[]>)(g => g[..^8])];
        yield return ["nothing", (Func<byte[], byte[]>)(_ => [])];
        yield return ["bytes appended", (Func<byte[], byte[]>)(g => [.. g, 0, 1, 2, 3, 4, 5, 6, 7, 8])];
    }

    private static byte[] Flip(byte[] gzip, int at, byte bit)
    {
        var damaged = (byte[])gzip.Clone();
        damaged[at] ^= bit;
        return damaged;
    }

    [Fact]
    public async Task An_undamaged_backup_verifies_whichever_library_wrote_and_reads_it()
    {
        var dump = Dump();
        foreach (var writer in Codecs)
        {
            var gzip = await IsalGzipTests.CompressAsync(writer, dump);
            foreach (var reader in Codecs) await VerifyAsync(reader, gzip);
        }
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_backup_is_BackupCorrupt_whichever_library_wrote_and_reads_it(string damage, Func<byte[], byte[]> harm)
    {
        var dump = Dump();
        foreach (var writer in Codecs)
        {
            var damaged = harm(await IsalGzipTests.CompressAsync(writer, dump));
            foreach (var reader in Codecs)
            {
                var ex = await Assert.ThrowsAsync<BackupDataException>(() => VerifyAsync(reader, damaged));
                Assert.True(ex.ErrorId == ErrorIds.BackupCorrupt, $"{damage}, written by {writer.Name}, read by {reader.Name}: {ex.ErrorId} {ex.Message}");
            }
        }
    }

    [Fact]
    public async Task The_isa_l_reader_throws_what_the_reader_calls_damage()
    {
        var gzip = await IsalGzipTests.CompressAsync(IsalGzipTests.Isal, Dump());
        foreach (var damaged in new[] { Flip(gzip, gzip.Length - 8, 1), Flip(gzip, gzip.Length - 1, 1), gzip[..(gzip.Length / 2)], Flip(gzip, 2, 1), Encoding.ASCII.GetBytes("not gzip at all") })
        {
            var ex = Record.Exception(() => IsalGzipTests.IsalRead(damaged));
            Assert.True(ex is not null && ObservatoryBackup.Compress.Codecs.IsDamaged(ex), ex?.ToString() ?? "no exception");
        }
    }
}
