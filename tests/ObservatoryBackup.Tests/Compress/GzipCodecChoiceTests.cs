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

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(6, 3)]
    [InlineData(9, 3)]
    public void Gzip_levels_map_onto_isa_l_levels(int gzip, int isal) => Assert.Equal(isal, IsalGzipTests.Isal.LevelFor(gzip));

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
