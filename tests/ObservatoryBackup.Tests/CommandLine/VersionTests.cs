using ObservatoryBackup.Cli;
using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary><c>obs-backup --version</c> says which library runs gzip on this host, and why its ISA-L was refused when it was.</summary>
[Trait("Tier", "Fast")]
public sealed class VersionTests
{
    private static async Task<string> VersionAsync()
    {
        var stdout = new StringWriter();
        var exit = await new Commands(stdout, TextWriter.Null, TextReader.Null, ObservatoryBackup.Cli.Terminal.None, new SettingsResolver(new Dictionary<string, string?>())).InvokeAsync(["--version"]);
        Assert.Equal(0, exit);
        return stdout.ToString();
    }

    [Fact]
    public async Task Version_names_isa_l_where_it_loads_and_zlib_ng_where_it_does_not()
    {
        var isal = await VersionAsync();
        Assert.Matches(@"^\d+\.\d+\.\d+", isal);
        Assert.EndsWith("gzip: ISA-L (libisal.so.2)\n", isal.ReplaceLineEndings("\n"));
        using (GzipCodec.Use(GzipCodec.Detect(["/nonexistent/libisal.so.2"])))
            Assert.EndsWith("gzip: zlib-ng (.NET's System.IO.Compression)\n", (await VersionAsync()).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Version_says_why_a_hosts_isa_l_was_refused_when_zlib_ng_runs_instead()
    {
        using (GzipCodec.Use(new ZlibNgGzip("failed its known-answer test")))
            Assert.EndsWith("gzip: zlib-ng (.NET's System.IO.Compression); ISA-L refused: failed its known-answer test\n", (await VersionAsync()).ReplaceLineEndings("\n"));
    }
}
