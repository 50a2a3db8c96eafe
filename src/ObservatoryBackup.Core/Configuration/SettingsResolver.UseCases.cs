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

    /// <summary>A restore's options.</summary>
    public RestoreOptions ResolveRestore(SettingOverrides overrides) => new(Resolve(overrides, needsDatabase: true))
    {
        NoOwner = overrides.NoOwner,
        NoTablespaces = overrides.NoTablespaces,
        IncludeGlobals = overrides.IncludeGlobals,
        UpdateExistingRoles = overrides.UpdateExistingRoles,
        AllowPrivilegedRoles = overrides.AllowPrivilegedRoles,
        TrustedKeys = ResolveTrustedKeys(overrides.TrustedKeys),
        Part = RestorePart.Parse(overrides.Tables, overrides.Schemas),
    };

    /// <summary>A restore test's options; one that only verifies the backup needs no database.</summary>
    public TestOptions ResolveTest(SettingOverrides overrides, bool verifyOnly) => new(Resolve(overrides, needsDatabase: !verifyOnly))
    {
        NoOwner = overrides.NoOwner,
        NoTablespaces = overrides.NoTablespaces,
        TrustedKeys = ResolveTrustedKeys(overrides.TrustedKeys),
    };
}
