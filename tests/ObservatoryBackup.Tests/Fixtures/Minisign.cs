namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>The reference minisign (Debian's 0.11), run as a user would.</summary>
public static class Minisign
{
    private static readonly ReferenceTool Tool = new("minisign", "these tests check our signatures against Debian's minisign 0.11 (apt-get install minisign)");

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string stdin = "") => Tool.RunAsync(args, stdin);
}
