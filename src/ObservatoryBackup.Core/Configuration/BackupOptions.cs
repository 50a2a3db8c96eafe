using ObservatoryBackup.Signing;

namespace ObservatoryBackup.Configuration;

/// <summary>A backup run's options, as <see cref="SettingsResolver.ResolveBackup"/> builds them.</summary>
public sealed record BackupOptions(ObsSettings Settings)
{
    /// <summary>
    /// What one backup holds: the URL's database, or the server's globals, filed under the empty
    /// database name with their own lock, retention and metrics.
    /// </summary>
    public BackupKind Kind { get; init; } = BackupKind.Database;

    /// <summary>With the globals: keep the roles' password hashes (they are hashes of real logins; left out unless asked).</summary>
    public bool IncludeRolePasswords { get; init; }

    /// <summary>Several databases of the URL's server, and its globals; null for the URL's database alone.</summary>
    public ServerBackupOptions? Server { get; init; }

    /// <summary>The minisign key every backup is signed with (a <c>.minisig</c> object beside it); null: backups are not signed.</summary>
    public MinisignSecretKey? SigningKey { get; init; }
}
