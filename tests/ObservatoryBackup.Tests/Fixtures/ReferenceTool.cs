using CliWrap;
using CliWrap.Buffered;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// A reference implementation the tests check ours against (Debian's minisign, promtool…), run as a user
/// would. A test that needs it fails, never skips, when it is missing, saying why it is needed.
/// </summary>
public sealed class ReferenceTool(string name, string whyAndPackage)
{
    private readonly Lazy<string> _path = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed: {whyAndPackage}"));

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string stdin = "")
    {
        var result = await CliWrap.Cli.Wrap(_path.Value).WithArguments(args)
            .WithStandardInputPipe(PipeSource.FromString(stdin))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        return (result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
