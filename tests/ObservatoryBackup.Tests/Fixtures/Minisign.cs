using CliWrap;
using CliWrap.Buffered;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// The reference minisign (Debian's 0.11), run as a user would. A test that needs it fails, never skips,
/// when it is missing, naming the package.
/// </summary>
public static class Minisign
{
    private static readonly Lazy<string> Tool = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "minisign")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("minisign is not installed: these tests check our signatures against Debian's minisign 0.11 (apt-get install minisign)"));

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string stdin = "")
    {
        var result = await CliWrap.Cli.Wrap(Tool.Value).WithArguments(args)
            .WithStandardInputPipe(PipeSource.FromString(stdin))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return (result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
