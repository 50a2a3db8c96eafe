namespace ObservatoryBackup.Errors;

/// <summary>
/// An in-place restore stopped after it dropped the database: whatever stopped it (a signal, a lost
/// connection, a failed check), the database now holds part of the backup, and the message says so
/// and which backup to restore again.
/// </summary>
public sealed class PartialRestoreException(string database, string objectName, string what, Exception inner)
    : ObsBackupException(ObsErrorKind.OperationFailed, ErrorIds.RestorePartial,
        $"The in-place restore of '{objectName}' into \"{database}\" {what}. " + Advice(database, objectName), database, inner)
{
    /// <summary>What to do about a partial database.</summary>
    internal static string Advice(string database, string? objectName) =>
        $"The database \"{database}\" now holds a partial restore: restore " + (objectName is null ? "it" : $"'{objectName}'") + " again, or an earlier backup, before using it.";
}
