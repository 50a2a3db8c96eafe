using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>Each use case's options, as the resolver builds them from the environment and what a face was given.</summary>
[Trait("Tier", "Fast")]
public class UseCaseOptionsTests
{
    private static SettingsResolver Resolver() => new(new Dictionary<string, string?>
    {
        ["DATABASE_URL"] = "postgresql://observatory:pw@localhost:5432/observatory",
        ["MINIO_ENDPOINT"] = "minio:9000",
    });

    [Fact]
    public void A_backup_is_of_the_urls_database_unless_databases_all_of_them_or_the_globals_are_asked_for()
    {
        var one = Resolver().ResolveBackup(new SettingOverrides());
        Assert.Null(one.Server);
        Assert.Equal((BackupKind.Database, "observatory"), (one.Kind, one.Settings.Database!.Database));

        var globals = Resolver().ResolveBackup(new SettingOverrides { IncludeGlobals = true, IncludeRolePasswords = true });
        Assert.Equal((true, 0, false, 1), (globals.Server!.IncludeGlobals, globals.Server.Databases.Names.Count, globals.Server.Databases.All, globals.Server.Parallel));
        Assert.True(globals.IncludeRolePasswords);

        // every database: the globals come first, always
        var all = Resolver().ResolveBackup(new SettingOverrides { AllDatabases = true, ExcludeDatabases = ["tmp*"], Parallel = 3 });
        Assert.Equal((true, true, 3), (all.Server!.IncludeGlobals, all.Server.Databases.All, all.Server.Parallel));
        Assert.Equal(["tmp*"], all.Server.Databases.Excluded);

        var named = Resolver().ResolveBackup(new SettingOverrides { Databases = ["a", "b"] });
        Assert.False(named.Server!.IncludeGlobals);
        Assert.Equal(["a", "b"], named.Server.Databases.Names);
    }

    public static TheoryData<SettingOverrides, OptionRule> Conflicts => new()
    {
        { new SettingOverrides { IncludeRolePasswords = true }, OptionRule.RolePasswordsWithoutGlobals },
        { new SettingOverrides { IncludeRolePasswords = true, Databases = ["a"] }, OptionRule.RolePasswordsWithoutGlobals },
        { new SettingOverrides { Databases = ["a"], AllDatabases = true }, OptionRule.DatabasesAndAll },
        { new SettingOverrides { ExcludeDatabases = ["a"] }, OptionRule.SelectionWithoutDatabases },
        { new SettingOverrides { Parallel = 2, IncludeGlobals = true }, OptionRule.SelectionWithoutDatabases },
    };

    [Theory]
    [MemberData(nameof(Conflicts))]
    public void Options_that_do_not_go_together_are_refused_before_any_setting_is_read(SettingOverrides given, OptionRule rule)
    {
        // no environment at all: a setting read first would fail as missing
        var ex = Assert.Throws<OptionConflictException>(() => new SettingsResolver(new Dictionary<string, string?>()).ResolveBackup(given));
        Assert.Equal((rule, rule.ToString(), ObsErrorKind.InvalidArgument), (ex.Rule, ex.ErrorId, ex.Kind));
    }

    [Fact]
    public void Restore_and_test_options_carry_their_switches_and_a_test_that_only_verifies_needs_no_database()
    {
        var restore = Resolver().ResolveRestore(new SettingOverrides { NoOwner = true, IncludeGlobals = true, UpdateExistingRoles = true, RestoreJobs = 2 });
        Assert.Equal((true, false, true, true, 2), (restore.NoOwner, restore.NoTablespaces, restore.IncludeGlobals, restore.UpdateExistingRoles, restore.Settings.RestoreJobs));

        var test = Resolver().ResolveTest(new SettingOverrides { NoTablespaces = true }, verifyOnly: false);
        Assert.Equal((false, true), (test.NoOwner, test.NoTablespaces));
        Assert.NotNull(test.Settings.Database);

        var env = new Dictionary<string, string?> { ["MINIO_ENDPOINT"] = "minio:9000" };
        Assert.Null(new SettingsResolver(env).ResolveTest(new SettingOverrides(), verifyOnly: true).Settings.Database);
        Assert.Throws<ConfigurationException>(() => new SettingsResolver(env).ResolveRestore(new SettingOverrides()));
    }
}
