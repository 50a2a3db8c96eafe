using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

// Each use case's options: its settings, and the switches both faces give, checked here once.
public sealed partial class SettingsResolver
{
    /// <summary>
    /// A backup's options: the URL's database alone, or (databases named or all of them, or the
    /// globals asked for) a run over its server, which takes the globals first whenever it takes all
    /// databases. Options that do not go together are refused before any setting is read.
    /// </summary>
    public BackupOptions ResolveBackup(SettingOverrides overrides)
    {
        var named = overrides.Databases ?? [];
        var excluded = overrides.ExcludeDatabases ?? [];
        var parallel = overrides.Parallel ?? 1;
        if (named.Count > 0 && overrides.AllDatabases)
            throw new OptionConflictException(OptionRule.DatabasesAndAll, "Databases were named and all of them asked for; give one of them.");
        if (named.Count == 0 && !overrides.AllDatabases && (excluded.Count > 0 || parallel != 1))
            throw new OptionConflictException(OptionRule.SelectionWithoutDatabases, "Databases to leave out, or how many at once, go with databases named or all of them.");
        var globals = overrides.AllDatabases || overrides.IncludeGlobals;
        if (overrides.IncludeRolePasswords && !globals)
            throw new OptionConflictException(OptionRule.RolePasswordsWithoutGlobals, "Role passwords are kept only in the globals: they go with the globals or all databases.");
        return new BackupOptions(Resolve(overrides, needsDatabase: true))
        {
            IncludeRolePasswords = overrides.IncludeRolePasswords,
            SigningKey = ResolveSigningKey(overrides.SigningKeyFile),
            Server = named.Count > 0 || globals ? new ServerBackupOptions(new DatabaseSelection(named, overrides.AllDatabases, excluded), parallel, globals) : null,
        };
    }

    /// <summary>
    /// A restore's options: into the URL's database, or the target database named in its place (same
    /// server). The newest backup is the target's own unless another database is named; a backup a query
    /// chose goes only into its own database unless the target is named (<see cref="RestoreOptions.Refusal"/>).
    /// </summary>
    public RestoreOptions ResolveRestore(SettingOverrides overrides)
    {
        var settings = Resolve(overrides, needsDatabase: true);
        if (overrides.TargetDatabase is { } target) settings = settings with { Database = settings.Database!.WithDatabase(TargetDatabaseName(target)) };
        var options = new RestoreOptions(settings)
        {
            NoOwner = overrides.NoOwner,
            NoTablespaces = overrides.NoTablespaces,
            IncludeGlobals = overrides.IncludeGlobals,
            UpdateExistingRoles = overrides.UpdateExistingRoles,
            AllowPrivilegedRoles = overrides.AllowPrivilegedRoles,
            TrustedKeys = ResolveTrustedKeys(overrides.TrustedKeys),
            Choice = overrides.Choice,
            TargetNamed = overrides.TargetDatabase is not null || overrides.DatabaseUrl is not null,
        };
        if (overrides.Choice != BackupChoice.Latest) return options;
        options = options with { LatestOf = overrides.LatestOf ?? options.Target };
        return options.Refusal(options.LatestOf) is { } refusal ? throw refusal : options;
    }

    /// <summary>A database name as PostgreSQL takes it whole: not empty, at most 63 bytes (longer ones it truncates), no NUL.</summary>
    private static string TargetDatabaseName(string name) =>
        name.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(name) > DatabaseUrl.MaxIdentifierBytes || name.Contains('\0')
            ? throw new ConfigurationException(Setting.TargetDatabase, null,
                $"takes a database name of 1 to {DatabaseUrl.MaxIdentifierBytes} bytes without NUL characters, not '{name.Replace("\0", "\\0", StringComparison.Ordinal)}' ({System.Text.Encoding.UTF8.GetByteCount(name)} bytes).")
            : name;

    /// <summary>
    /// A restore test's options; one that only verifies the backup needs no database. The newest backup is
    /// of the database named, else of the URL's (even when only verifying), else the bucket's.
    /// </summary>
    public TestOptions ResolveTest(SettingOverrides overrides, bool verifyOnly)
    {
        var settings = Resolve(overrides, needsDatabase: !verifyOnly);
        var latestOf = overrides.Choice != BackupChoice.Latest ? null
            : overrides.LatestOf ?? (settings.Database ?? (overrides.DatabaseUrl is not null || Get(DatabaseUrlVariable) is not null ? ResolveDatabase(overrides.DatabaseUrl) : null))?.Database;
        return new(settings)
        {
            NoOwner = overrides.NoOwner,
            NoTablespaces = overrides.NoTablespaces,
            TrustedKeys = ResolveTrustedKeys(overrides.TrustedKeys),
            LatestOf = latestOf,
        };
    }
}
