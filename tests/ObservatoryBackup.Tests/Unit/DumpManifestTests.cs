using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Format;
using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// The manifest a backup writes after pg_dump's last line (rows per table, SHA-256 of the SQL), proven
/// by verification: read (<see cref="DumpReading"/>, checked by <see cref="DumpCheck"/>) in pieces of every size, as a stream would arrive.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class DumpManifestTests
{
    private const string Dump = """"
        --
        -- PostgreSQL database dump
        --
        SET statement_timeout = 0;
        CREATE TABLE public.readings (id integer, value text);
        CREATE TABLE public."Odd ""name""" (id integer);
        COPY public.readings (id, value) FROM stdin;
        1	a
        2	b
        3	-- ObservatoryBackup manifest: {"version":1}
        4	d
        5	e
        6	f
        7	g
        \.
        COPY public."Odd ""name""" (id) FROM stdin;
        1
        \.
        --
        -- PostgreSQL database dump complete
        --

        """";

    /// <summary>The SQL as a backup writes it: pg_dump's bytes, then the manifest line of what they carried.</summary>
    private static byte[] WithManifest(string sql)
    {
        var reader = new PlainDumpReader();
        var bytes = Encoding.UTF8.GetBytes(sql);
        reader.Read(bytes);
        return [.. bytes, .. new DumpManifest(bytes.Length, SHA256.HashData(bytes), reader.RowsPerTable).ToLine()];
    }

    /// <summary>Verifies <paramref name="sql"/> as an uncompressed stream would arrive, in pieces of <paramref name="piece"/> bytes.</summary>
    private static DumpSummary Verify(byte[] sql, int piece)
    {
        var reading = new DumpReading(new Pieces(sql, piece), "postgres/2026/01/01/db_20260101_000000.sql.gz");
        reading.ReadToEndAsync(default).GetAwaiter().GetResult();
        var check = reading.Check;
        // the trailer a gzip of this SQL would end with
        var trailer = new byte[8];
        BitConverter.TryWriteBytes(trailer, Crc32.HashToUInt32(sql));
        BitConverter.TryWriteBytes(trailer.AsSpan(4), (uint)sql.Length);
        return check.Finish(100, 100, 100, trailer);
    }

    /// <summary>Hands out its bytes <paramref name="piece"/> at a time.</summary>
    private sealed class Pieces(byte[] data, int piece) : ReadOnlyStream
    {
        private int _at;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = Math.Min(Math.Min(buffer.Length, piece), data.Length - _at);
            data.AsMemory(_at, n).CopyTo(buffer);
            _at += n;
            return ValueTask.FromResult(n);
        }
    }

    public static TheoryData<int> PieceSizes => [1, 7, 64, 1 << 16];

    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void A_backup_with_its_manifest_verifies_and_says_so(int piece)
    {
        var summary = Verify(WithManifest(Dump), piece);

        Assert.NotNull(summary.Manifest);
        Assert.Equal(7, summary.Manifest.RowsPerTable["public.readings"]);
        Assert.Equal(1, summary.Manifest.RowsPerTable["public.\"Odd \"\"name\"\"\""]);
    }

    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void Rows_removed_from_one_copy_block_fail_naming_the_table(int piece)
    {
        var whole = Encoding.UTF8.GetString(WithManifest(Dump));
        var cut = whole.Replace("2\tb\n", "").Replace("4\td\n", "").Replace("5\te\n", "").Replace("6\tf\n", "").Replace("7\tg\n", "");

        var ex = Assert.Throws<BackupDataException>(() => Verify(Encoding.UTF8.GetBytes(cut), piece));

        Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
        Assert.Contains("table public.readings carries 2 rows where its manifest records 7 rows", ex.Message);
    }

    [Theory]
    [MemberData(nameof(PieceSizes))]
    public void Any_other_change_fails_on_the_hash(int piece)
    {
        var changed = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(WithManifest(Dump)).Replace("2\tb", "2\tB"));

        var ex = Assert.Throws<BackupDataException>(() => Verify(changed, piece));

        Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
        Assert.Contains("does not match the SHA-256 its manifest records", ex.Message);
    }

    [Fact]
    public void A_backup_without_a_manifest_verifies_as_before_and_says_no_manifest()
    {
        var summary = Verify(Encoding.UTF8.GetBytes(Dump), 64);

        Assert.Null(summary.Manifest);
        Assert.Equal(8, summary.Rows);
    }

    [Theory]
    [InlineData("-- a comment after the manifest\n")]
    [InlineData("\n")]
    [InlineData("-- ObservatoryBackup manifest: {\"version\":1,\"sql_bytes\":0,\"sql_sha256\":\"00\",\"rows\":{}}\n")]
    public void Nothing_may_follow_the_manifest(string after)
    {
        var sql = WithManifest(Dump).Concat(Encoding.UTF8.GetBytes(after)).ToArray();

        var ex = Assert.Throws<BackupDataException>(() => Verify(sql, 7));

        Assert.Contains("lines follow its manifest", ex.Message);
    }

    [Fact]
    public void A_manifest_that_is_not_valid_json_is_refused()
    {
        var sql = Encoding.UTF8.GetBytes(Dump + DumpManifest.LinePrefix + "{not json\n");

        var ex = Assert.Throws<BackupDataException>(() => Verify(sql, 64));

        Assert.Contains("its manifest line cannot be read", ex.Message);
    }
}
