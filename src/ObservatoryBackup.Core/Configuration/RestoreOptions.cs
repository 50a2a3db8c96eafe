using ObservatoryBackup.Errors;
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

    /// <summary>How the backup was chosen: by its name, or by a query (--latest, a listing).</summary>
    public BackupChoice Choice { get; init; } = BackupChoice.Named;

    /// <summary>With <see cref="BackupChoice.Latest"/>: the database whose newest backup is taken (the one named, else the target).</summary>
    public string? LatestOf { get; init; }

    /// <summary>The user named the target database (a target database, or the database URL given with the command, not read from the environment).</summary>
    public bool TargetNamed { get; init; }

    /// <summary>The database restored into: the URL's, or the target database that replaced it.</summary>
    public string Target => Settings.Database?.Database ?? throw new InvalidOperationException("A restore needs a database URL.");

    /// <summary>
    /// The rule of which database a backup goes into: one the user named restores wherever the target is;
    /// one a query chose (its database <paramref name="backupDatabase"/>, null when its name does not say)
    /// only into a database of the same name, unless the user named the target too. Null when it may go.
    /// </summary>
    public OptionConflictException? Refusal(string? backupDatabase, string? objectName = null) =>
        Choice == BackupChoice.Named || TargetNamed || backupDatabase == Target
            ? null
            : new OptionConflictException(OptionRule.BackupOfAnotherDatabase,
                $"{(objectName is null ? "The newest backup" : $"The backup '{objectName}'")} is of {(backupDatabase is null ? "a database its name does not say" : $"database \"{backupDatabase}\"")}, " +
                $"and the target is database \"{Target}\"; a backup chosen by a query goes only into its own database unless the target is named. Nothing was restored.")
            { Facts = true };
}
