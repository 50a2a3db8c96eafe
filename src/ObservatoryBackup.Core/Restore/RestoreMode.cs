namespace ObservatoryBackup.Restore;

public enum RestoreMode
{
    /// <summary>Restore into a staging database and swap it in by rename only when psql succeeded.</summary>
    Staged,

    /// <summary>Drop and recreate the target, then restore into it. Needs no room for a second copy.</summary>
    InPlace,

    /// <summary>A globals backup: roles, memberships and tablespaces created on the server where missing; no database is touched.</summary>
    Globals,
}
