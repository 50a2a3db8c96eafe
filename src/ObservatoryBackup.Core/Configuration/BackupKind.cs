namespace ObservatoryBackup.Configuration;

/// <summary>
/// What a backup holds: one database (pg_dump), or the server's globals (pg_dumpall --globals-only:
/// roles, memberships, role settings, privileges on parameters, tablespaces), which restore differently.
/// </summary>
public enum BackupKind
{
    Database,
    Globals,
}
