namespace ObservatoryBackup.Errors;

/// <summary>How a child process ended, in words: "exit code 1", or "killed by signal 9 (SIGKILL)" for the 128+N codes a signal leaves.</summary>
public static class ExitStatus
{
    public static string Describe(int exitCode)
    {
        if (OperatingSystem.IsWindows() || exitCode is <= 128 or > 128 + 64) return $"exit code {exitCode}";
        var signal = exitCode - 128;
        var name = signal switch { 1 => "SIGHUP", 2 => "SIGINT", 6 => "SIGABRT", 9 => "SIGKILL", 11 => "SIGSEGV", 13 => "SIGPIPE", 15 => "SIGTERM", _ => null };
        return name is null ? $"killed by signal {signal}" : $"killed by signal {signal} ({name})";
    }
}
