using CliWrap;
using CliWrap.Buffered;
using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Tests.Compress;

/// <summary>
/// A host without ISA-L gets zlib-ng, which writes and reads the same gzip; and the native layout we
/// declare for ISA-L's structs is the one its header gives (compiled against libisal-dev).
/// </summary>
[Trait("Tier", "Fast")]
public class GzipCodecChoiceTests
{
    [Fact]
    public async Task Without_isa_l_the_codec_is_zlib_ng_and_still_writes_and_reads_gzip()
    {
        var absent = GzipCodec.Detect(["/nonexistent/libisal.so.2", "libisal-absent.so.9"]);
        Assert.Same(ZlibNgGzip.Instance, absent);
        using (GzipCodec.Use(absent))
        {
            Assert.Equal("zlib-ng", Codecs.Implementation(BackupCodec.Gzip));
            Assert.Equal(6, Codecs.ImplementationLevel(BackupCodec.Gzip, 6));
            var input = IsalGzipTests.Input(ParallelGzipStream.DefaultBlockSize + 10);
            var compressed = new MemoryStream();
            await using (var gzip = Codecs.Compressor(BackupCodec.Gzip, compressed, 4))
                await gzip.WriteAsync(input);
            await using var reader = Codecs.Decompressor(BackupCodec.Gzip, new MemoryStream(compressed.ToArray()));
            Assert.IsType<System.IO.Compression.GZipStream>(reader);
            var back = new MemoryStream();
            await reader.CopyToAsync(back);
            Assert.Equal(input, back.ToArray());
            // the same bytes ISA-L reads too
            Assert.Equal(input, IsalGzipTests.IsalRead(compressed.ToArray()));
        }
        Assert.Equal("isa-l", Codecs.Implementation(BackupCodec.Gzip));
    }

    /// <summary>A library of ISA-L's soname built here: every function ISA-L 2.30 has that we call, stubs that do nothing, with or without 2.24's <c>isal_read_gzip_header</c>.</summary>
    private static async Task<string> ImpostorAsync(bool withVersionMarker)
    {
        var dir = Directory.CreateTempSubdirectory("obs-isal-impostor-").FullName;
        var source = Path.Combine(dir, "impostor.c");
        await File.WriteAllTextAsync(source, """
            void isal_deflate_stateless_init(void *s) { }
            int isal_deflate_stateless(void *s) { return 0; }
            void isal_inflate_init(void *s) { }
            void isal_inflate_reset(void *s) { }
            int isal_inflate(void *s) { return 0; }
            #ifdef MARKER
            int isal_read_gzip_header(void *s, void *h) { return 0; }
            #endif
            """);
        var library = Path.Combine(dir, "libisal.so.2");
        string[] args = [.. withVersionMarker ? new[] { "-DMARKER" } : [], "-shared", "-fPIC", source, "-o", library];
        var cc = await CliWrap.Cli.Wrap("clang").WithArguments(args).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(cc.ExitCode == 0, cc.StandardError);
        return library;
    }

    [Fact]
    public async Task A_library_older_than_isa_l_2_24_is_refused_and_zlib_ng_runs_saying_why()
    {
        var codec = GzipCodec.Detect([await ImpostorAsync(withVersionMarker: false), "libisal.so.2"]);
        Assert.Equal("isa-l", codec.Name); // the next name is tried: the host's own
        codec = GzipCodec.Detect([await ImpostorAsync(withVersionMarker: false)]);
        Assert.IsType<ZlibNgGzip>(codec);
        Assert.Contains("isal_read_gzip_header", codec.Refusal);
        Assert.Contains("ISA-L refused", codec.Description);
    }

    [Fact]
    public async Task A_library_whose_structs_are_not_laid_out_as_ours_fails_the_known_answer_test_and_zlib_ng_runs()
    {
        var codec = GzipCodec.Detect([await ImpostorAsync(withVersionMarker: true)]);
        Assert.IsType<ZlibNgGzip>(codec);
        Assert.Contains("known-answer test", codec.Refusal);
        using (GzipCodec.Use(codec))
        {
            Assert.Equal("zlib-ng", Codecs.Implementation(BackupCodec.Gzip));
            Assert.Equal(codec.Refusal, Codecs.Fallback(BackupCodec.Gzip));
            var input = IsalGzipTests.Input(5000);
            Assert.Equal(input, IsalGzipTests.IsalRead(await IsalGzipTests.CompressAsync(codec, input)));
        }
        Assert.Null(IsalGzipTests.Isal.Refusal);
        Assert.Null(GzipCodec.Detect(["libisal-absent.so.9"]).Refusal);
    }

    [Fact]
    public void The_development_symlink_is_not_loaded_it_may_be_another_abi() => Assert.Equal(["libisal.so.2"], IsalLibrary.Names);

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(6, 3)]
    [InlineData(9, 3)]
    public void Gzip_levels_map_onto_isa_l_levels(int gzip, int isal) => Assert.Equal(isal, IsalGzipTests.Isal.LevelFor(gzip));

    [Fact]
    public async Task A_level_above_the_default_asks_for_smaller_output_than_isa_l_makes_and_zlib_ng_writes_it()
    {
        Assert.Equal("isa-l", IsalGzipTests.Isal.Name);
        Assert.Same(IsalGzipTests.Isal, IsalGzipTests.Isal.WriterFor(CompressionLevels.Default(BackupCodec.Gzip)));
        Assert.Same(GzipCodec.ZlibNg, IsalGzipTests.Isal.WriterFor(5));
        Assert.Same(GzipCodec.ZlibNg, GzipCodec.ZlibNg.WriterFor(9));
        using (GzipCodec.Use(IsalGzipTests.Isal))
        {
            Assert.Equal("isa-l", Codecs.Implementation(BackupCodec.Gzip, 4));
            Assert.Equal("zlib-ng", Codecs.Implementation(BackupCodec.Gzip, 6));
            Assert.Equal(6, Codecs.ImplementationLevel(BackupCodec.Gzip, 6));
            // prose from a large vocabulary, as bench/research_records.py writes it: where zlib's lazy matching beats ISA-L's
            var random = new Random(2026);
            string[] syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "de", "ga", "po", "li", "an", "er", "st", "th"];
            var vocabulary = Enumerable.Range(0, 20_000).Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => syllables[random.Next(syllables.Length)]))).ToArray();
            var input = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i =>
                $"{i}\t{string.Join(' ', Enumerable.Range(0, 30).Select(_ => vocabulary[(int)Math.Pow(random.NextDouble(), 3) * vocabulary.Length]))}\n")));
            async Task<long> SizeAt(int level)
            {
                var compressed = new MemoryStream();
                await using (var gzip = Codecs.Compressor(BackupCodec.Gzip, compressed, level)) await gzip.WriteAsync(input);
                await using var reader = Codecs.Decompressor(BackupCodec.Gzip, new MemoryStream(compressed.ToArray()));
                var back = new MemoryStream();
                await reader.CopyToAsync(back);
                Assert.Equal(input, back.ToArray());
                return compressed.Length;
            }
            Assert.True(await SizeAt(6) < await SizeAt(4), "level 6 (zlib-ng) is smaller than the default (ISA-L's smallest)");
        }
    }

    [Fact]
    public async Task The_declared_struct_layouts_match_libisal_devs_header()
    {
        var dir = Directory.CreateTempSubdirectory("obs-isal-layout-").FullName;
        var source = Path.Combine(dir, "layout.c");
        await File.WriteAllTextAsync(source, """
            #include <stdio.h>
            #include <stddef.h>
            #include <isa-l/igzip_lib.h>
            #define Z(f) printf("zstream.%s=%zu\n", #f, offsetof(struct isal_zstream, f))
            #define I(f) printf("inflate.%s=%zu\n", #f, offsetof(struct inflate_state, f))
            int main(void) {
              printf("zstream=%zu\ninflate=%zu\n", sizeof(struct isal_zstream), sizeof(struct inflate_state));
              Z(next_in); Z(avail_in); Z(next_out); Z(avail_out); Z(level); Z(level_buf_size); Z(level_buf); Z(end_of_stream); Z(flush); Z(gzip_flag); Z(internal_state);
              I(next_out); I(avail_out); I(next_in); I(avail_in); I(read_in_length); I(block_state); I(crc_flag); I(crc);
              printf("lvl=%d,%d,%d\n", ISAL_DEF_LVL1_DEFAULT, ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT);
              return 0;
            }
            """);
        var exe = Path.Combine(dir, "layout");
        var cc = await CliWrap.Cli.Wrap("clang").WithArguments([source, "-o", exe]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(cc.ExitCode == 0, "the header is libisal-dev's (tests/provision.sh): " + cc.StandardError);
        var run = await CliWrap.Cli.Wrap(exe).ExecuteBufferedAsync();
        var c = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')).ToDictionary(p => p[0], p => p[1]);

        static string Z(string field) => System.Runtime.InteropServices.Marshal.OffsetOf<IsalZStream>(field).ToString();
        static string I(string field) => System.Runtime.InteropServices.Marshal.OffsetOf<IsalInflateState>(field).ToString();
        var ours = new Dictionary<string, string>
        {
            ["zstream"] = IsalZStream.Size.ToString(), ["inflate"] = IsalInflateState.Size.ToString(),
            ["zstream.next_in"] = Z("NextIn"), ["zstream.avail_in"] = Z("AvailIn"), ["zstream.next_out"] = Z("NextOut"), ["zstream.avail_out"] = Z("AvailOut"),
            ["zstream.level"] = Z("Level"), ["zstream.level_buf_size"] = Z("LevelBufSize"), ["zstream.level_buf"] = Z("LevelBuf"),
            ["zstream.end_of_stream"] = Z("EndOfStream"), ["zstream.flush"] = Z("Flush"), ["zstream.gzip_flag"] = Z("GzipFlag"),
            ["zstream.internal_state"] = System.Runtime.InteropServices.Marshal.SizeOf<IsalZStream>().ToString(),
            ["inflate.next_out"] = I("NextOut"), ["inflate.avail_out"] = I("AvailOut"), ["inflate.next_in"] = I("NextIn"), ["inflate.avail_in"] = I("AvailIn"),
            ["inflate.read_in_length"] = I("ReadInLength"), ["inflate.block_state"] = I("BlockState"), ["inflate.crc_flag"] = I("CrcFlag"), ["inflate.crc"] = I("Crc"),
            ["lvl"] = string.Join(",", IsalDeflater.LevelBufferSizes[1..]),
        };
        Assert.Equal(c.OrderBy(p => p.Key), ours.OrderBy(p => p.Key));
    }
}
