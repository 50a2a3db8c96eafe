namespace ObservatoryBackup.Configuration;

/// <summary>
/// Values given explicitly (cmdlet parameters, CLI options): a setting's wins over its environment variable;
/// the switches of one use case (a backup's databases, a restore's ownership) have none.
/// </summary>
public sealed record SettingOverrides
{
    public string? DatabaseUrl { get; init; }
    public DatabaseCredential? DatabaseCredential { get; init; }
    public string? Endpoint { get; init; }
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }
    public string? Bucket { get; init; }
    public bool? UseSsl { get; init; }
    public int? RetentionDays { get; init; }
    public string? PgDumpPath { get; init; }
    public string? PsqlPath { get; init; }
    public string? MetricsPath { get; init; }
    public BackupCodec? Compression { get; init; }
    public int? CompressionLevel { get; init; }

    /// <summary>age recipients (age1…) to encrypt backups to.</summary>
    public IReadOnlyList<string>? Recipients { get; init; }

    /// <summary>An age identity file, to read encrypted backups.</summary>
    public string? IdentityFile { get; init; }

    /// <summary>A minisign secret key file, to sign backups.</summary>
    public string? SigningKeyFile { get; init; }

    /// <summary>minisign public keys (their base64 lines), whose signatures a restore trusts.</summary>
    public IReadOnlyList<string>? TrustedKeys { get; init; }

    /// <summary>pg_dump's table patterns to leave out whole, and to leave out the rows of.</summary>
    public IReadOnlyList<string>? ExcludeTables { get; init; }
    public IReadOnlyList<string>? ExcludeTableData { get; init; }

    public int? KeepLast { get; init; }

    /// <summary>Connections a restore loads over (-Jobs, --jobs).</summary>
    public int? RestoreJobs { get; init; }
    public int? KeepDaily { get; init; }
    public int? KeepWeekly { get; init; }
    public int? KeepMonthly { get; init; }
    public int? KeepYearly { get; init; }

    /// <summary>Days every backup is locked (S3 Object Lock) after its upload.</summary>
    public int? LockDays { get; init; }

    /// <summary>A backup's databases of the server, or all of them; those left out; how many at once.</summary>
    public IReadOnlyList<string>? Databases { get; init; }
    public bool AllDatabases { get; init; }
    public IReadOnlyList<string>? ExcludeDatabases { get; init; }
    public int? Parallel { get; init; }

    /// <summary>A backup also takes the server's globals; and with them, the roles' password hashes.</summary>
    public bool IncludeGlobals { get; init; }
    public bool IncludeRolePasswords { get; init; }

    /// <summary>A restore (or test) leaves ownership, tablespaces out; a restore updates roles that exist, and may give roles privileged rights.</summary>
    public bool NoOwner { get; init; }
    public bool NoTablespaces { get; init; }
    public bool UpdateExistingRoles { get; init; }
    public bool AllowPrivilegedRoles { get; init; }

    /// <summary>A restore's database in place of the URL's (the same server); how its backup was chosen, and the database --latest takes the newest of.</summary>
    public string? TargetDatabase { get; init; }
    public BackupChoice Choice { get; init; }
    public string? LatestOf { get; init; }
}
