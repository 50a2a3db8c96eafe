using System.IO.Compression;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Tests.Compress;

/// <summary>
/// gzip by ISA-L against the reference tools and .NET's own codec, both ways, at every edge of the
/// parallel writer's 1 MiB blocks: what we write any gunzip reads, and what they write we read.
/// </summary>
[Trait("Tier", "Fast")]
public class IsalGzipTests
{
    private const int Block = ParallelGzipStream.DefaultBlockSize;

    /// <summary>The host's ISA-L (tests/provision.sh installs libisal2): the tests prove it, so its absence fails them.</summary>
    internal static readonly GzipCodec Isal = GzipCodec.Detect(IsalLibrary.Names);

    public static TheoryData<int> Sizes => new() { 0, 1, 13, Block - 1, Block, Block + 1, 2 * Block, 3 * Block + 17 };

    internal static byte[] Input(int size, int seed = 0)
    {
        // dump-like text: repeated words, numbers, some noise, so that every level has something to find
        var random = new Random(seed + size);
        var text = new StringBuilder(size + 100);
        for (var i = 0; text.Length < size; i++)
            text.Append(i).Append('\t').Append(random.Next(1000)).Append("\tobservation ").Append(random.Next(1 << 30).ToString("x")).Append("\thttps://example.org/p/").Append(i % 313).Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString())[..size];
    }

    internal static async Task<byte[]> CompressAsync(GzipCodec codec, byte[] input, int level = 4, int writeSize = 65_536)
    {
        var output = new MemoryStream();
        await using (var gzip = new ParallelGzipStream(output, level, leaveOpen: true, threads: 2, codec: codec))
            for (var i = 0; i < input.Length; i += writeSize)
                await gzip.WriteAsync(input.AsMemory(i, Math.Min(writeSize, input.Length - i)));
        return output.ToArray();
    }

    /// <summary>Reads all of <paramref name="gzip"/> through our ISA-L reader, <paramref name="readSize"/> bytes at a time.</summary>
    internal static byte[] IsalRead(byte[] gzip, int readSize = 81_920)
    {
        using var reader = Isal.Decompressor(new MemoryStream(gzip));
        var back = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = reader.Read(buffer, 0, readSize)) > 0) back.Write(buffer, 0, n);
        return back.ToArray();
    }

    private static async Task<byte[]> ToolAsync(string tool, string[] args, byte[] input)
    {
        var output = new MemoryStream();
        var result = await CliWrap.Cli.Wrap(tool).WithArguments(args).WithStandardInputPipe(PipeSource.FromBytes(input))
            .WithStandardOutputPipe(PipeTarget.ToStream(output)).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {result.StandardError}");
        return output.ToArray();
    }

    private static byte[] DotnetRead(byte[] gzip)
    {
        using var reader = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        var back = new MemoryStream();
        reader.CopyTo(back);
        return back.ToArray();
    }

    [Fact]
    public void The_host_has_isa_l_and_says_so()
    {
        Assert.IsNotType<ZlibNgGzip>(Isal);
        Assert.Equal("isa-l", Isal.Name);
        Assert.Equal("ISA-L (libisal.so.2)", Isal.Description);
        Assert.Equal("isa-l", GzipCodec.Current.Name);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Our_isa_l_output_is_one_member_that_gzip_igzip_and_dotnet_read(int size)
    {
        var input = Input(size);
        var compressed = await CompressAsync(Isal, input);
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8 }, compressed[..3]);
        Assert.Equal((uint)size, BitConverter.ToUInt32(compressed.AsSpan(compressed.Length - 4)));
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(input), BitConverter.ToUInt32(compressed.AsSpan(compressed.Length - 8, 4)));
        Assert.Equal(input, await ToolAsync("gzip", ["-dc"], compressed));
        Assert.Equal(input, await ToolAsync("igzip", ["-dc"], compressed));
        Assert.Equal(input, DotnetRead(compressed));
        Assert.Equal(input, IsalRead(compressed));
        // one member, nothing after it: zlib's gzip decoder ends at its trailer with no byte left over
        var member = await ToolAsync("python3", ["-c", "import sys, zlib; d = zlib.decompressobj(31); out = d.decompress(sys.stdin.buffer.read()); print(d.eof, len(d.unused_data), len(out))"], compressed);
        Assert.Equal($"True 0 {size}\n", Encoding.ASCII.GetString(member));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task Every_level_writes_what_gzip_reads(int level)
    {
        var input = Input(2 * Block + 5, seed: level);
        var compressed = await CompressAsync(Isal, input, level);
        Assert.Equal(input, await ToolAsync("gzip", ["-dc"], compressed));
        Assert.Equal(input, IsalRead(compressed));
        Assert.True(compressed.Length < input.Length / 2, $"level {level}: {compressed.Length} of {input.Length}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task We_read_what_gzip_igzip_pigz_and_zlib_ng_write(int size)
    {
        var input = Input(size, seed: 1);
        foreach (var (tool, args) in new[] { ("gzip", new[] { "-4c" }), ("gzip", ["-9c"]), ("igzip", ["-1c"]), ("igzip", ["-3c"]), ("pigz", ["-c", "-p", "2", "-b", "128"]) })
            Assert.Equal(input, IsalRead(await ToolAsync(tool, args, input)));
        Assert.Equal(input, IsalRead(await CompressAsync(ZlibNgGzip.Instance, input)));
        Assert.Equal(input, IsalRead(await CompressAsync(Isal, input)));
    }

    [Fact]
    public async Task Reads_of_1_to_13_bytes_get_every_byte_across_block_edges()
    {
        var input = Input(Block + 4099, seed: 2);
        foreach (var codec in new[] { Isal, ZlibNgGzip.Instance })
        {
            var compressed = await CompressAsync(codec, input);
            for (var readSize = 1; readSize <= 13; readSize++)
                Assert.Equal(input, IsalRead(compressed, readSize));
        }
    }

    [Fact]
    public async Task Several_members_are_read_one_after_another_as_gunzip_does()
    {
        var parts = new[] { Input(1000, 3), Input(0, 4), Input(Block + 1, 5), Input(7, 6) };
        var members = new List<byte>();
        members.AddRange(await ToolAsync("gzip", ["-c"], parts[0]));
        members.AddRange(await CompressAsync(Isal, parts[1]));
        members.AddRange(await ToolAsync("igzip", ["-c"], parts[2]));
        members.AddRange(await CompressAsync(ZlibNgGzip.Instance, parts[3]));
        var whole = parts.SelectMany(p => p).ToArray();
        Assert.Equal(whole, await ToolAsync("gzip", ["-dc"], [.. members]));
        foreach (var readSize in new[] { 1, 5, 13, 65_536 })
            Assert.Equal(whole, IsalRead([.. members], readSize));
    }

    [Fact]
    public void An_empty_input_is_empty_data_as_for_dotnets_reader()
    {
        Assert.Empty(IsalRead([]));
        Assert.Empty(DotnetRead([]));
    }

    [Fact]
    public async Task Bytes_after_the_last_member_that_start_no_member_are_not_data_as_for_dotnets_reader()
    {
        var input = Input(5000, 7);
        byte[] compressed = [.. await CompressAsync(Isal, input), 1, 2, 3, 4, 5];
        Assert.Equal(input, IsalRead(compressed));
        Assert.Equal(input, DotnetRead(compressed));
    }
}
