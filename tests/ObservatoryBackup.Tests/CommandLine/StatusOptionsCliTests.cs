using ObservatoryBackup.Cli;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>What obs-backup status refuses before it asks the store anything: exit code 2, the options named on stderr.</summary>
[Trait("Tier", "Fast")]
public sealed class StatusOptionsCliTests
{
    private static async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        var stderr = new StringWriter();
        var resolver = new SettingsResolver(new Dictionary<string, string?> { ["MINIO_ENDPOINT"] = "127.0.0.1:9" });
        var code = await new Commands(TextWriter.Null, stderr, TextReader.Null, ObservatoryBackup.Cli.Terminal.None, resolver).InvokeAsync(args);
        return (code, stderr.ToString());
    }

    [Fact]
    public async Task Excluding_databases_from_the_status_of_one_database_is_exit_2()
    {
        var (code, stderr) = await RunAsync("status", "--database", "app", "--exclude-database", "old_*");
        Assert.Equal(2, code);
        Assert.Contains("--exclude-database", stderr);
        Assert.Contains("--database", stderr);
    }
}
