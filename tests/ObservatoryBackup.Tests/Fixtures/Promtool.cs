using CliWrap;
using CliWrap.Buffered;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// Prometheus' own checker (Debian's <c>prometheus</c> package), run as an operator would. A test that
/// needs it fails, never skips, when it is missing, naming the package.
/// </summary>
public static class Promtool
{
    private static readonly Lazy<string> Tool = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("promtool is not installed: these tests hold our metrics, alert rules and their tests to Prometheus' checker (apt-get install prometheus)"));

    public static async Task<(int ExitCode, string Output)> RunAsync(string[] args, string stdin = "")
    {
        var result = await CliWrap.Cli.Wrap(Tool.Value).WithArguments(args)
            .WithStandardInputPipe(PipeSource.FromString(stdin))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }

    /// <summary>Fails unless <c>promtool check metrics</c> takes the textfile at <paramref name="path"/> without a word.</summary>
    public static async Task AssertMetricsPassAsync(string path)
    {
        var text = await File.ReadAllTextAsync(path);
        var (exit, output) = await RunAsync(["check", "metrics"], text);
        Assert.True(exit == 0 && output.Trim().Length == 0, $"promtool check metrics rejects {path} (exit {exit}):\n{output}\n--- the file:\n{text}");
    }
}
