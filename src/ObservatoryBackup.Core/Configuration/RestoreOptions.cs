using ObservatoryBackup.Signing;

namespace ObservatoryBackup.Configuration;

/// <summary>A restore's options, as <see cref="SettingsResolver.ResolveRestore"/> builds them.</summary>
public sealed record RestoreOptions(ObsSettings Settings)
{
    /// <summary>Restore with every object owned by the connecting user: for a server that lacks the backup's roles.</summary>
    public bool NoOwner { get; init; }

    /// <summary>Restore every object into the database's default tablespace: for a server that lacks the backup's tablespaces.</summary>
    public bool NoTablespaces { get; init; }

    /// <summary>Before restoring a database, restore the newest globals backup taken at or before it (roles, memberships, tablespaces the server lacks).</summary>
    public bool IncludeGlobals { get; init; }

    /// <summary>A globals restore also applies the backup's attributes, settings and memberships to roles that exist already (otherwise left as they are).</summary>
    public bool UpdateExistingRoles { get; init; }

    /// <summary>A globals restore may give roles privileged rights (SUPERUSER, CREATEROLE, REPLICATION, BYPASSRLS, membership in pg_ roles or in roles holding such rights, privileges on parameters); otherwise such a backup is refused.</summary>
    public bool AllowPrivilegedRoles { get; init; }

    /// <summary>
    /// The minisign public keys a backup must be signed by; empty: signatures are not checked (and the
    /// log says so). With keys, an unsigned, otherwise signed or altered backup is refused before any of it is loaded.
    /// </summary>
    public IReadOnlyList<MinisignPublicKey> TrustedKeys { get; init; } = [];

    /// <summary>The part of the backup restored (tables, schemas); null: all of it. Only into a database that does not exist.</summary>
    public RestorePart? Part { get; init; }
}
