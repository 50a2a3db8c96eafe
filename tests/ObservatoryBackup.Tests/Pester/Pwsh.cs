using System.Reflection;
using System.Text.Json;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Pester;

/// <summary>
/// The pwsh the Pester suites run in, and the Pester they import. The test build provisions both:
/// PowerShell as the local .NET tool pinned in .config/dotnet-tools.json (restored by the build),
/// Pester as a NuGet package. Without them (a build that could not restore), a pwsh 7.6 on PATH with
/// Pester 5 installed is used instead. <see cref="Description"/> says which ran.
/// </summary>
public sealed record Pwsh(string Path, string? PesterModule, string Description)
{
    public static Pwsh Locate()
    {
        if (ToolPwsh() is { } tool && PesterFromNuGet() is { } pester)
            return new Pwsh(tool, pester, $"pwsh {ToolVersion()} (the local tool, {tool}) with Pester from NuGet ({pester})");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
            if (File.Exists(candidate)) return new Pwsh(candidate, null, $"the pwsh on PATH ({candidate}) with its own Pester");
        }
        throw new InvalidOperationException(
            "The Pester suites need PowerShell 7.6 with Pester 5. The test build restores both (PowerShell " +
            "as the local tool in .config/dotnet-tools.json, Pester from NuGet); neither they nor a pwsh on PATH were found. " +
            "Run 'dotnet tool restore' in the repository, or install PowerShell 7.6 and Pester 5.");
    }

    /// <summary>The PowerShell tool's version, as .config/dotnet-tools.json pins it.</summary>
    private static string ToolVersion()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(Shell.RepoRoot, ".config", "dotnet-tools.json")));
        return manifest.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
    }

    /// <summary>The apphost of the restored PowerShell tool package: pwsh itself, with $PSHOME its own folder.</summary>
    private static string? ToolPwsh()
    {
        var root = Metadata("NuGetPackageRoot");
        if (root is null) return null;
        var path = System.IO.Path.Combine(root, "powershell", ToolVersion(), "tools", "net10.0", "any",
            OperatingSystem.IsWindows() ? "win" : "unix", OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
        return File.Exists(path) ? path : null;
    }

    private static string? PesterFromNuGet() => Metadata("PesterModule") is { } psd1 && File.Exists(psd1) ? psd1 : null;

    private static string? Metadata(string key) =>
        typeof(Pwsh).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value ? value : null;
}
