namespace ObservatoryBackup.Tests.Pester;

/// <summary>Finds the pwsh the Pester suites run in: the one on PATH, as a user's.</summary>
public static class Pwsh
{
    public static string Locate()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            "The Pester suites need PowerShell 7.6 with Pester 5 as 'pwsh' on PATH, and none was found. Install PowerShell 7.6 " +
            "(and Install-Module Pester), or unpack the copy this project's CI uses: " +
            "tar xJf ../shared/tools/pwsh-7.6.5-pester-5.9.0-linux-x64.tar.xz -C /opt && export PATH=/opt/pwsh-7.6.5:$PATH");
    }
}
