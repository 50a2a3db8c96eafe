using ObservatoryBackup.Configuration;
using System.IO.Compression;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using ObservatoryBackup.Compress;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The parallel codec writes one standard gzip member: every reader gets the input back, byte for byte.</summary>
[Trait("Tier", "Fast")]
public class ParallelGzipStreamTests
{
    private const int Block = 4096; // small blocks, so that block boundaries are cheap to reach

    public static TheoryData<int> Sizes => new() { 0, 1, Block - 1, Block, Block + 1, 3 * Block, 3 * Block + 17, 50 * Block + 5 };

    private static async Task<byte[]> CompressAsync(byte[] input, int writeSize = 1000, int level = 4)
    {
        var output = new MemoryStream();
        await using (var gzip = new ParallelGzipStream(output, level, leaveOpen: true, blockSize: Block, threads: 4))
            for (var i = 0; i < input.Length; i += writeSize)
                await gzip.WriteAsync(input.AsMemory(i, Math.Min(writeSize, input.Length - i)));
        return output.ToArray();
    }

    private static byte[] Input(int size, bool compressible)
    {
        if (compressible)
        {
            var text = new StringBuilder();
            for (var i = 0; text.Length < size; i++) text.Append("row ").Append(i % 97).Append("\tsome text\n");
            return Encoding.ASCII.GetBytes(text.ToString())[..size];
        }
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Round_trips_through_dotnets_gzip_reader(int size)
    {
        foreach (var compressible in new[] { true, false })
        {
            var input = Input(size, compressible);
            var compressed = await CompressAsync(input);
            using var reader = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var back = new MemoryStream();
            await reader.CopyToAsync(back);
            Assert.Equal(input, back.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Round_trips_through_the_gzip_program(int size)
    {
        var input = Input(size, compressible: true);
        var file = Path.Combine(Directory.CreateTempSubdirectory("obs-pgz-").FullName, "x.gz");
        await File.WriteAllBytesAsync(file, await CompressAsync(input, writeSize: 333));
        var back = new MemoryStream();
        var result = await CliWrap.Cli.Wrap("gzip").WithArguments(["-dc", file]).WithStandardOutputPipe(PipeTarget.ToStream(back))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(input, back.ToArray());
    }

    [Fact]
    public async Task Is_one_gzip_member_with_the_trailer_of_the_whole_input()
    {
        var input = Input(10 * Block + 3, compressible: true);
        var compressed = await CompressAsync(input);
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8 }, compressed[..3]);
        Assert.Equal((uint)input.Length, BitConverter.ToUInt32(compressed.AsSpan(compressed.Length - 4)));
        Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(input), BitConverter.ToUInt32(compressed.AsSpan(compressed.Length - 8, 4)));
        // and it still compresses: independent blocks cost a little, not the ratio
        Assert.True(compressed.Length < input.Length / 5, $"{compressed.Length} of {input.Length}");
    }
}

/// <summary>The pipe a backup uploads from: a producer that fails, even in the middle of a block, never lets the reader reach the end.</summary>
[Trait("Tier", "Fast")]
public class CompressionPipeTests
{
    [Fact]
    public async Task A_producer_failing_mid_block_fails_the_reader_instead_of_ending_it()
    {
        var pipe = new CompressionPipe(async (output, ct) =>
        {
            await output.WriteAsync(new byte[ParallelGzipStream.DefaultBlockSize + ParallelGzipStream.DefaultBlockSize / 2], ct);
            throw new InvalidOperationException("pg_dump died");
        }, ObservatoryBackup.Configuration.BackupCodec.Gzip, 4, "test", null, default);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => pipe.Output.CopyToAsync(Stream.Null));
        Assert.Equal("pg_dump died", ex.Message);
    }

    [Fact]
    public async Task A_producer_that_succeeds_ends_the_reader_with_the_whole_gzip()
    {
        var input = new byte[3 * ParallelGzipStream.DefaultBlockSize + 123];
        new Random(7).NextBytes(input.AsSpan(0, 1000));
        var pipe = new CompressionPipe((output, ct) => output.WriteAsync(input, ct).AsTask(), ObservatoryBackup.Configuration.BackupCodec.Gzip, 4, "test", null, default);
        var compressed = new MemoryStream();
        await pipe.Output.CopyToAsync(compressed);
        await pipe.Completion;

        using var reader = new GZipStream(new MemoryStream(compressed.ToArray()), CompressionMode.Decompress);
        var back = new MemoryStream();
        await reader.CopyToAsync(back);
        Assert.Equal(input, back.ToArray());
        Assert.Equal((input.Length, compressed.Length), (pipe.UncompressedBytes, pipe.CompressedBytes));
    }
}
