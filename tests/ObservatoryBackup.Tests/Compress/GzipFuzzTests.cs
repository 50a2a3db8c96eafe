using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using ObservatoryBackup.Compress;

namespace ObservatoryBackup.Tests.Compress;

/// <summary>
/// Hostile gzip from the bucket through the ISA-L reader, against zlib-ng's verdict on the same bytes:
/// crafted headers (extra field, name, comment, header CRC of odd sizes, arriving a few bytes at a
/// time), crafted deflate (a stored block claiming more than it has, a distance too far back, a wrong
/// ISIZE), truncation at every offset, and thousands of seeded mutations. The reader never crashes,
/// hangs or throws anything but what the backup reader calls damage; where zlib-ng reads data ISA-L
/// reads the same bytes, and the ways they may differ are input that ends inside a member, where zlib-ng
/// ends its data, and a header longer than the reader's buffer (a name or comment over 128 KiB): ISA-L's
/// reader calls both damage.
/// </summary>
[Trait("Tier", "Fast")]
public class GzipFuzzTests
{
    private static readonly byte[] Marker = "a member after it"u8.ToArray();
    private const string LongHeader = "header is longer than";

    /// <summary>What reading a stream gave: its data, or the exception and the data before it.</summary>
    internal sealed record Verdict(byte[] Data, Exception? Error)
    {
        public bool Accepted => Error is null;
    }

    /// <summary>Hands out its bytes in reads of 1 to <paramref name="maxChunk"/> bytes, as a network stream may.</summary>
    internal sealed class ChunkedStream(byte[] data, Random random, int maxChunk) : Stream
    {
        private int _position;
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, random.Next(1, maxChunk + 1)), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset));
            _position += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    internal static Verdict ReadAll(Stream reader, Random random, int maxRead)
    {
        var back = new MemoryStream();
        var buffer = new byte[maxRead];
        try
        {
            using (reader)
            {
                int n;
                while ((n = reader.Read(buffer, 0, random.Next(1, maxRead + 1))) > 0) back.Write(buffer, 0, n);
            }
            return new Verdict(back.ToArray(), null);
        }
        catch (Exception ex)
        {
            return new Verdict(back.ToArray(), ex);
        }
    }

    internal static Verdict Isal(byte[] gzip, Random random, int maxChunk = 1 << 17, int maxRead = 1 << 16) =>
        ReadAll(IsalGzipTests.Isal.Decompressor(new ChunkedStream(gzip, random, maxChunk)), random, maxRead);

    internal static Verdict ZlibNg(byte[] gzip) =>
        ReadAll(ZlibNgGzip.Instance.Decompressor(new MemoryStream(gzip)), new Random(0), 1 << 16);

    /// <summary>Holds one input to the rules above; returns what happened, for the tally.</summary>
    internal static string Judge(string name, byte[] gzip, Verdict isal, Verdict zlibNg)
    {
        if (isal.Error is not null)
            Assert.True(Codecs.IsDamaged(isal.Error), $"{name}: ISA-L threw what the reader does not call damage: {isal.Error}");
        if (zlibNg.Accepted && isal.Accepted)
        {
            Assert.True(zlibNg.Data.AsSpan().SequenceEqual(isal.Data), $"{name}: both read it, with different data ({isal.Data.Length} and {zlibNg.Data.Length} bytes)");
            return "both read it";
        }
        if (isal.Accepted)
            Assert.Fail($"{name}: ISA-L read {isal.Data.Length} bytes of what zlib-ng refuses ({zlibNg.Error!.Message}): {Convert.ToHexString(gzip.AsSpan(0, Math.Min(64, gzip.Length)))}");
        if (zlibNg.Accepted)
        {
            Assert.True(zlibNg.Data.AsSpan().StartsWith(isal.Data), $"{name}: ISA-L's data before the cut is not zlib-ng's");
            if (isal.Error!.Message.Contains(LongHeader)) return "a header over 128 KiB: zlib-ng reads it, ISA-L calls it damage";
            // zlib-ng ends its data where the input ends, even inside a member: a member after this one shows whether
            // it thought it whole (two, with headers of different lengths: a cut header may take in one's header whole)
            var whole = new[] { Member(Marker), Member(Marker, name: "marker"u8.ToArray()) }.All(next =>
                ZlibNg([.. gzip, .. next]) is { Accepted: true } followed && followed.Data.AsSpan().SequenceEqual([.. zlibNg.Data, .. Marker]));
            Assert.False(whole,
                $"{name}: zlib-ng reads it whole, ISA-L refuses: {isal.Error.Message} {Convert.ToHexString(gzip)}");
            return "cut short: zlib-ng ends there, ISA-L calls it damage";
        }
        return "both refuse it";
    }

    private static Dictionary<string, int> Tally(IEnumerable<(string Name, byte[] Gzip)> cases, int seed, int maxChunk = 1 << 17)
    {
        var random = new Random(seed);
        var tally = new Dictionary<string, int>();
        foreach (var (name, gzip) in cases)
        {
            var verdict = Judge(name, gzip, Isal(gzip, random, maxChunk), ZlibNg(gzip));
            tally[verdict] = tally.GetValueOrDefault(verdict) + 1;
        }
        return tally;
    }

    // ---- crafted streams ----

    internal static byte[] Deflate(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, level, leaveOpen: true)) deflate.Write(data);
        return output.ToArray();
    }

    internal static byte[] Trailer(byte[] data)
    {
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.HashToUInt32(data));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(4), (uint)data.Length);
        return trailer;
    }

    /// <summary>A gzip member of <paramref name="data"/> whose header has the optional fields given (null: absent).</summary>
    internal static byte[] Member(byte[] data, byte[]? extra = null, byte[]? name = null, byte[]? comment = null, bool headerCrc = false, bool wrongHeaderCrc = false, byte reservedFlags = 0)
    {
        var header = new List<byte> { 0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 0, 3 };
        var flags = reservedFlags;
        if (extra is not null)
        {
            flags |= 4;
            header.Add((byte)extra.Length);
            header.Add((byte)(extra.Length >> 8));
            header.AddRange(extra);
        }
        if (name is not null) { flags |= 8; header.AddRange(name); header.Add(0); }
        if (comment is not null) { flags |= 16; header.AddRange(comment); header.Add(0); }
        if (headerCrc) flags |= 2;
        header[3] = flags;
        if (headerCrc)
        {
            var crc = (ushort)Crc32.HashToUInt32(header.ToArray());
            if (wrongHeaderCrc) crc ^= 1;
            header.Add((byte)crc);
            header.Add((byte)(crc >> 8));
        }
        return [.. header, .. Deflate(data), .. Trailer(data)];
    }

    /// <summary>Writes deflate's bits, least significant first; Huffman codes most significant first.</summary>
    private sealed class Bits
    {
        private readonly List<byte> _bytes = [];
        private int _used = 8;
        public Bits Put(int value, int count)
        {
            for (var i = 0; i < count; i++)
            {
                if (_used == 8) { _bytes.Add(0); _used = 0; }
                _bytes[^1] |= (byte)(((value >> i) & 1) << _used++);
            }
            return this;
        }
        public Bits Code(int code, int length)
        {
            for (var i = length - 1; i >= 0; i--) Put((code >> i) & 1, 1);
            return this;
        }
        public byte[] ToArray() => [.. _bytes];
    }

    private static byte[] Wrap(byte[] deflate, byte[] claimedData) => [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, .. deflate, .. Trailer(claimedData)];

    /// <summary>Inputs a writer never makes, each built on purpose.</summary>
    public static IEnumerable<(string Name, byte[] Gzip)> Crafted()
    {
        var data = IsalGzipTests.Input(3000, 11);
        foreach (var size in new[] { 0, 1, 2, 7, 255, 256, 4097, 65_535 })
            yield return ($"extra field of {size} bytes", Member(data, extra: Enumerable.Range(0, size).Select(i => (byte)i).ToArray()));
        foreach (var size in new[] { 0, 1, 13, 300, 70_000, 200_000 })
        {
            yield return ($"name of {size} bytes", Member(data, name: Enumerable.Repeat((byte)'n', size).ToArray()));
            yield return ($"comment of {size} bytes", Member(data, comment: Enumerable.Repeat((byte)'c', size).ToArray()));
        }
        yield return ("every optional field and a header CRC", Member(data, extra: [1, 2, 3], name: "dump.sql"u8.ToArray(), comment: "a comment"u8.ToArray(), headerCrc: true));
        yield return ("a header CRC", Member(data, headerCrc: true));
        yield return ("a wrong header CRC", Member(data, name: "x"u8.ToArray(), headerCrc: true, wrongHeaderCrc: true));
        yield return ("reserved header flags", Member(data, reservedFlags: 0x20));
        yield return ("name without its end", Member(data, name: "abc"u8.ToArray())[..13]);
        yield return ("extra field cut short", Member(data, extra: new byte[100])[..60]);
        var valid = Member(data);
        var wrongLength = (byte[])valid.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(wrongLength.AsSpan(wrongLength.Length - 4), uint.MaxValue);
        yield return ("ISIZE of 4 GiB - 1", wrongLength);
        yield return ("stored block claiming 64 KiB holding 100 bytes", Wrap([0x01, 0xff, 0xff, 0x00, 0x00, .. new byte[100]], new byte[65_535]));
        yield return ("stored block whose length and its complement disagree", Wrap([0x01, 0x10, 0x00, 0x10, 0x00, .. new byte[16]], new byte[16]));
        yield return ("stored block of 64 KiB whole", Wrap([0x01, 0xff, 0xff, 0x00, 0x00, .. new byte[65_535]], new byte[65_535]));
        // fixed Huffman: the literal 'a', then a match of 3 bytes 5 back: before the start of the data
        yield return ("distance too far back", Wrap(new Bits().Put(1, 1).Put(1, 2).Code(0x30 + 'a', 8).Code(1, 7).Code(4, 5).Put(0, 1).Code(0, 7).ToArray(), "aaaa"u8.ToArray()));
        yield return ("distance just far enough", Wrap(new Bits().Put(1, 1).Put(1, 2).Code(0x30 + 'a', 8).Code(1, 7).Code(0, 5).Code(0, 7).ToArray(), "aaaa"u8.ToArray()));
        yield return ("block type 3", Wrap([0x07, 0, 0, 0], []));
        yield return ("no final block", [.. Wrap([0x00, 0x00, 0x00, 0xff, 0xff], [])]);
        yield return ("garbage between members", [.. valid, .. "garbage"u8.ToArray(), .. valid]);
        yield return ("a member's magic then garbage", [.. valid, 0x1f, 0x8b, 8, 0xff, 0xff]);
        yield return ("a member's magic and nothing more", [.. valid, 0x1f, 0x8b, 8]);
        yield return ("zeros after a member", [.. valid, .. new byte[1000]]);
        yield return ("many empty members", Enumerable.Repeat(Member([]), 2000).SelectMany(m => m).ToArray());
        yield return ("not gzip", "PGDMP not gzip at all"u8.ToArray());
        yield return ("magic only", [0x1f, 0x8b]);
        yield return ("method 7", [0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    /// <summary>Small streams of each writer and header shape, to cut and mutate.</summary>
    private static List<(string Name, byte[] Gzip)> Seeds()
    {
        var small = IsalGzipTests.Input(700, 12);
        var random = new byte[300];
        new Random(5).NextBytes(random);
        var isal = new MemoryStream();
        using (var gzip = new ParallelGzipStream(isal, 4, leaveOpen: true, blockSize: 256, threads: 2, codec: IsalGzipTests.Isal))
            gzip.Write(small);
        return
        [
            ("ISA-L, blocks of 256 bytes", isal.ToArray()),
            ("zlib-ng", Member(small)),
            ("stored", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, .. Deflate(random, CompressionLevel.NoCompression), .. Trailer(random)]),
            ("every header field", Member(small[..100], extra: [9, 8, 7], name: "n"u8.ToArray(), comment: "c"u8.ToArray(), headerCrc: true)),
            ("two members", [.. Member(small[..50]), .. Member(small[50..200])]),
        ];
    }

    [Fact]
    public void Crafted_inputs_are_read_as_zlib_ng_reads_them_or_refused_as_damage()
    {
        foreach (var maxChunk in new[] { 1, 3, 7, 1 << 17 })
            Tally(Crafted(), seed: maxChunk, maxChunk);
    }

    [Fact]
    public void Each_seed_cut_at_every_offset_is_damage_or_what_zlib_ng_reads()
    {
        var cases = Seeds().SelectMany(s => Enumerable.Range(0, s.Gzip.Length).Select(cut => ($"{s.Name} cut at {cut}", s.Gzip[..cut])));
        var tally = Tally(cases, seed: 3, maxChunk: 5);
        Assert.True(tally.GetValueOrDefault("both read it") >= 5, string.Join(", ", tally)); // the empty cut and the ends between members
    }

    /// <summary>One mutation of <paramref name="gzip"/>: bits flipped, a byte set, bytes deleted, inserted, duplicated, or the end cut.</summary>
    internal static byte[] Mutate(byte[] gzip, Random random)
    {
        var bytes = gzip.ToList();
        var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
        switch (random.Next(7))
        {
            case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
            case 1 when bytes.Count > 0: bytes[at] = (byte)random.Next(256); break;
            case 2 when bytes.Count > 0: bytes.RemoveRange(at, Math.Min(random.Next(1, 9), bytes.Count - at)); break;
            case 3: bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256))); break;
            case 4 when bytes.Count > 0: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(random.Next(1, 64), bytes.Count - at))); break;
            case 5: bytes.RemoveRange(at, bytes.Count - at); break;
            default: if (bytes.Count > 3) bytes[random.Next(3, bytes.Count)] ^= 0x80; break;
        }
        return [.. bytes];
    }

    internal static IEnumerable<(string Name, byte[] Gzip)> Mutants(int seed, int count)
    {
        var random = new Random(seed);
        var seeds = Seeds().Concat(Crafted().Where(c => c.Gzip.Length < 5000)).ToList();
        for (var i = 0; i < count; i++)
        {
            var (name, gzip) = seeds[random.Next(seeds.Count)];
            var mutations = random.Next(1, 5);
            for (var m = 0; m < mutations; m++) gzip = Mutate(gzip, random);
            yield return ($"{name}, mutant {i} of seed {seed}", gzip);
        }
    }

    [Fact]
    public async Task Thousands_of_mutants_are_damage_or_what_zlib_ng_reads_and_none_hangs()
    {
        var tally = await Task.Run(() => Tally(Mutants(seed: 30, count: 4000), seed: 30, maxChunk: 64)).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(tally.GetValueOrDefault("both refuse it") > 1000, string.Join(", ", tally));
    }

    [Fact]
    public void A_deflate_bomb_streams_through_in_a_fixed_buffer()
    {
        // 256 MiB of zeros in about 250 KiB: read in full, each byte checked, nothing held but the reader's buffers
        var zeros = new byte[1 << 20];
        var compressed = new MemoryStream();
        using (var gzip = new ParallelGzipStream(compressed, 9, leaveOpen: true, threads: 2, codec: ZlibNgGzip.Instance))
            for (var i = 0; i < 256; i++) gzip.Write(zeros);
        Assert.True(compressed.Length < 1 << 20, $"{compressed.Length}");
        var buffer = new byte[1 << 16];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long total = 0;
        using (var reader = IsalGzipTests.Isal.Decompressor(new MemoryStream(compressed.ToArray())))
        {
            int n;
            while ((n = reader.Read(buffer)) > 0)
            {
                Assert.True(buffer.AsSpan(0, n).IndexOfAnyExcept((byte)0) < 0);
                total += n;
            }
        }
        Assert.Equal(256L << 20, total);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < 4 << 20, $"{allocated:N0} bytes allocated reading 256 MiB");
    }
}
