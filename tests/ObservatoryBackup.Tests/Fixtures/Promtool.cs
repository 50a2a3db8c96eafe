namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>Prometheus' own checker (Debian's <c>prometheus</c> package), run as an operator would.</summary>
public static class Promtool
{
    private static readonly ReferenceTool Tool = new("promtool", "these tests hold our metrics, alert rules and their tests to Prometheus' checker (apt-get install prometheus)");

    public static async Task<(int ExitCode, string Output)> RunAsync(string[] args, string stdin = "")
    {
        var (exit, stdout, stderr) = await Tool.RunAsync(args, stdin);
        return (exit, stdout + stderr);
    }

    /// <summary>Fails unless <c>promtool check metrics</c> takes the textfile at <paramref name="path"/> without a word.</summary>
    public static async Task AssertMetricsPassAsync(string path)
    {
        var text = await File.ReadAllTextAsync(path);
        var (exit, output) = await RunAsync(["check", "metrics"], text);
        Assert.True(exit == 0 && output.Trim().Length == 0, $"promtool check metrics rejects {path} (exit {exit}):\n{output}\n--- the file:\n{text}");
    }
}
