using System.Globalization;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Cli;

/// <summary>The --list table, to the byte: users' scripts parse it (docs/MIGRATING.md).</summary>
internal static class BackupTable
{
    public static void Write(TextWriter output, IReadOnlyList<StoredBackup> backups)
    {
        if (backups.Count == 0)
        {
            output.WriteLine("No backups found.");
            return;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"Object name",-60} {"Size",15}  Last modified"));
        output.WriteLine(new string('-', 110));
        foreach (var b in backups)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{b.ObjectName,-60} {(b.Size == 0 ? "unknown" : b.Size.ToString("N0", CultureInfo.InvariantCulture)),13}  {b.LastModified.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"));
    }
}
