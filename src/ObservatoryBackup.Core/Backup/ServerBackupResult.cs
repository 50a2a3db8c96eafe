using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Backup;

/// <summary>One database's outcome in a run over several: its backup, or why it failed.</summary>
public sealed record DatabaseBackupOutcome(string Database, BackupResult? Result, ObsBackupException? Failure)
{
    public bool Succeeded => Failure is null;
}

/// <summary>A run over several databases: each one's outcome, in name order.</summary>
public sealed record ServerBackupResult(IReadOnlyList<DatabaseBackupOutcome> Databases, TimeSpan Duration)
{
    public int Failed => Databases.Count(d => !d.Succeeded);
}
