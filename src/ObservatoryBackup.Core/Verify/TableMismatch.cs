namespace ObservatoryBackup.Verify;

/// <summary>A table that did not restore with the rows its COPY block carried.</summary>
/// <param name="InBackup">Rows the backup's COPY block carried; null when the backup has no data for the table.</param>
/// <param name="Restored">Rows the restored database holds; null when it has no such table.</param>
public sealed record TableMismatch(string Table, long? InBackup, long? Restored)
{
    public override string ToString() => (InBackup, Restored) switch
    {
        (null, var restored) => $"table {Table}: {restored:N0} rows restored, but the backup has no data for it",
        (var inBackup, null) => $"table {Table}: missing from the restored database, {inBackup:N0} rows in the backup",
        var (inBackup, restored) => $"table {Table}: {restored:N0} rows restored, {inBackup:N0} in the backup",
    };
}
