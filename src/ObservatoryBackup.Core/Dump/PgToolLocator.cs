using System.Globalization;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Dump;

/// <summary>
/// Finds pg_dump or psql: an explicit path (file or directory) first, then PATH, then the newest
/// <c>/usr/lib/postgresql/*/bin</c> (Debian's layout, where the versioned binaries live).
/// </summary>
public static class PgToolLocator
{
    public const string DebianRoot = "/usr/lib/postgresql";

    public static string Locate(string tool, string? explicitPath, string explicitSetting,
        string? pathVariable = null, string debianRoot = DebianRoot)
    {
        var exe = OperatingSystem.IsWindows() ? tool + ".exe" : tool;
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            var candidate = Directory.Exists(explicitPath) ? Path.Combine(explicitPath, exe) : explicitPath;
            return File.Exists(candidate)
                ? Path.GetFullPath(candidate)
                : throw PgToolException.NotFound(tool, $"{explicitSetting} points at '{explicitPath}', which is not a file");
        }

        pathVariable ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, exe);
            if (File.Exists(candidate)) return candidate;
        }

        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.EnumerateDirectories(debianRoot)
                .Select(d => (dir: d, version: decimal.TryParse(Path.GetFileName(d), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(x => x.version >= 0 && File.Exists(Path.Combine(x.dir, "bin", exe)))
                .OrderByDescending(x => x.version)
                .FirstOrDefault();
            if (newest.dir is not null) return Path.Combine(newest.dir, "bin", exe);
        }

        throw PgToolException.NotFound(tool, $"searched PATH and {debianRoot}/*/bin; set {explicitSetting}");
    }
}
