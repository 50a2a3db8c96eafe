using System.Globalization;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Cli;

/// <summary>The replaced script's --list table, to the byte: users' scripts read it.</summary>
internal static class BackupTable
{
    public static void Write(TextWriter output, IEnumerable<StoredBackup> backups)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"Object name",-60} {"Size",15}  Last modified"));
        output.WriteLine(new string('-', 110));
        foreach (var b in backups)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{b.ObjectName,-60} {b.Size,13:N0}  {b.LastModified.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"));
    }
}
