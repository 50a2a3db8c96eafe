using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Backup;

/// <summary>One database's outcome in a run over several: its backup, or why it failed. The empty name is the server's globals.</summary>
public sealed record DatabaseBackupOutcome(string Database, BackupResult? Result, ObsBackupException? Failure)
{
    public bool Succeeded => Failure is null;

    /// <summary>What was backed up: a database, or the server's globals.</summary>
    public BackupKind Kind { get; init; } = BackupKind.Database;

    /// <summary>What the outcome is of, as logs and messages name it: the database, or "globals".</summary>
    public string Subject => Kind == BackupKind.Globals ? "globals" : Database;
}

/// <summary>A run over several databases: each one's outcome, in name order.</summary>
public sealed record ServerBackupResult(IReadOnlyList<DatabaseBackupOutcome> Databases, TimeSpan Duration)
{
    public int Failed => Databases.Count(d => !d.Succeeded);
}
