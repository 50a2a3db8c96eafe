using System.Globalization;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Cli;

/// <summary>
/// The listing table. On a terminal, what an operator scans for (database, age, size, encrypted, signed,
/// pinned, then the name to copy), in human units within 120 columns for the usual names; elsewhere the
/// fixed-width table, to the byte, since users' scripts parse it (docs/MIGRATING.md).
/// </summary>
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

    /// <summary>The table for people: columns as wide as their widest cell, two spaces apart; ages as of <paramref name="now"/>.</summary>
    public static void WriteForPeople(TextWriter output, IReadOnlyList<StoredBackup> backups, DateTimeOffset now)
    {
        if (backups.Count == 0)
        {
            output.WriteLine("No backups found.");
            return;
        }
        string[] header = ["Database", "Age", "Size", "Encrypted", "Signed", "Pinned", "Object name"];
        var rows = backups.Select(b => new[]
        {
            b.Globals ? "(globals)" : b.Database ?? "",
            HumanUnits.Duration(now - (b.Timestamp ?? b.LastModified)),
            b.Size == 0 ? "unknown" : HumanUnits.Size(b.Size),
            YesNo(b.Encrypted), YesNo(b.Signed), YesNo(b.Pinned),
            b.ObjectName,
        }).ToList();
        var widths = header.Select((h, i) => rows.Max(r => r[i].Length) is var w && w > h.Length ? w : h.Length).ToArray();
        output.WriteLine(Line(header, widths));
        output.WriteLine(Line(header.Select(h => new string('-', h.Length)).ToArray(), widths));
        foreach (var row in rows) output.WriteLine(Line(row, widths));
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    // age and size right-aligned, as numbers are; the last column unpadded
    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : i is 1 or 2 ? c.PadLeft(widths[i]) : c.PadRight(widths[i])));
}
