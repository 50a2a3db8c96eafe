using System.Globalization;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// Finds pg_dump or psql: an explicit path (file or directory) first, then PATH, then the newest
/// <c>/usr/lib/postgresql/*/bin</c> (Debian's layout, where the versioned binaries live).
/// </summary>
public static class PgToolLocator
{
    public const string DebianRoot = "/usr/lib/postgresql";

    /// <param name="configured">The configured file or directory, or null to search.</param>
    /// <param name="searchPath">Directories to search, separated as PATH is.</param>
    public static string Locate(string tool, ToolPath? configured, string searchPath, string debianRoot = DebianRoot)
    {
        var exe = OperatingSystem.IsWindows() ? tool + ".exe" : tool;
        if (configured is { Path: var explicitPath } && !string.IsNullOrWhiteSpace(explicitPath))
        {
            var candidate = Directory.Exists(explicitPath) ? Path.Combine(explicitPath, exe) : explicitPath;
            var given = configured.Variable is { } variable ? $"{variable} points at '{explicitPath}'" : $"the {tool} path given is '{explicitPath}'";
            return File.Exists(candidate)
                ? Path.GetFullPath(candidate)
                : throw PgToolException.NotFound(tool, $"{given}, which is not a file");
        }

        foreach (var dir in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
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

        throw PgToolException.NotFound(tool, $"searched PATH and {debianRoot}/*/bin");
    }

    /// <summary>Another program of the installation <paramref name="found"/> belongs to (pg_dumpall beside pg_dump): the same version.</summary>
    public static string Beside(string found, string tool)
    {
        var candidate = Path.Combine(Path.GetDirectoryName(found) ?? "", OperatingSystem.IsWindows() ? tool + ".exe" : tool);
        return File.Exists(candidate) ? candidate : throw PgToolException.NotFound(tool, $"looked beside {Path.GetFileName(found)} at '{candidate}'");
    }
}
