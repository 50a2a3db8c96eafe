namespace ObservatoryBackup.Configuration;

/// <summary>
/// How a restore's backup was chosen. A backup the user named restores wherever the target is; one a
/// query chose goes only into its own database unless the user named the target too
/// (<see cref="RestoreOptions.Refusal"/>).
/// </summary>
public enum BackupChoice
{
    /// <summary>The user typed the object's name.</summary>
    Named,

    /// <summary>The newest backup of a database (<see cref="RestoreOptions.LatestOf"/>), as --latest / -Latest pick it.</summary>
    Latest,

    /// <summary>Handed over by a listing (Get-ObsBackup's output through the pipeline): a query's result, not a name the user typed.</summary>
    Listed,
}
