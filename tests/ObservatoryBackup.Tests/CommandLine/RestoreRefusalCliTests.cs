using System.Text.Json;
using ObservatoryBackup.Cli;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>
/// What obs-backup restore refuses before it asks the store or the server anything: exit code 2, the
/// input named on stderr, and the refusal logged as a failed restore on stdout.
/// </summary>
[Trait("Tier", "Fast")]
public class RestoreRefusalCliTests
{
    private const string Backup = "postgres/2026/01/01/observatory_20260101_000000.sql.gz";
    private const string Globals = "postgres/2026/01/01/%globals_20260101_000000.sql.gz";

    private static async Task<(int Code, string Out, string Error)> RunAsync(string url, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var resolver = new SettingsResolver(new Dictionary<string, string?> { ["DATABASE_URL"] = url, ["MINIO_ENDPOINT"] = "127.0.0.1:9" });
        var code = await new Commands(stdout, stderr, TextReader.Null, false, resolver).InvokeAsync(args);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static bool LoggedFailed(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Any(e => e.GetProperty("event").GetString() == "restore_finished" && e.GetProperty("status").GetString() == "failed");

    [Theory]
    [InlineData("template1", "--target-database names database \"template1\"")]
    [InlineData("app_obs_replaced_20260101000000", "--target-database names database \"app_obs_replaced_20260101000000\"")]
    public async Task A_target_database_no_restore_may_replace_is_exit_2_naming_it(string target, string says)
    {
        var (code, stdout, stderr) = await RunAsync("postgresql://u:p@127.0.0.1:9/observatory", "restore", Backup, "--target-database", target, "--yes");
        Assert.Equal(2, code);
        Assert.Contains(says, stderr);
        Assert.True(LoggedFailed(stdout), stdout);
    }

    [Fact]
    public async Task A_template_in_DATABASE_URL_is_exit_2_naming_the_variable()
    {
        var (code, _, stderr) = await RunAsync("postgresql://u:p@127.0.0.1:9/template0", "restore", Backup, "--yes");
        Assert.Equal(2, code);
        Assert.Contains("DATABASE_URL names database \"template0\"", stderr);
    }

    [Fact]
    public async Task A_target_database_with_a_globals_backup_is_exit_2_not_ignored()
    {
        var (code, stdout, stderr) = await RunAsync("postgresql://u:p@127.0.0.1:9/observatory", "restore", Globals, "--target-database", "copy", "--yes");
        Assert.Equal(2, code);
        Assert.Contains($"'{Globals}' is a globals backup", stderr);
        Assert.Contains("Leave out --target-database", stderr);
        Assert.True(LoggedFailed(stdout), stdout);
    }

    [Fact]
    public async Task A_named_backup_with_database_says_what_database_goes_with()
    {
        var (code, _, stderr) = await RunAsync("postgresql://u:p@127.0.0.1:9/observatory", "restore", Backup, "--database", "other", "--yes");
        Assert.Equal(2, code);
        Assert.Contains("--database goes with --latest", stderr);
        Assert.DoesNotContain("--latest another", stderr);
    }
}
