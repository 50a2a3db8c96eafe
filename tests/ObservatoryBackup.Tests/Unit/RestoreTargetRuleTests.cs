using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// Which backup a restore takes and where it may go: --latest is the target's own newest; a backup a
/// query chose goes into a database of another name only when the user named the target too.
/// </summary>
[Trait("Tier", "Fast")]
public class RestoreTargetRuleTests
{
    private static SettingsResolver Resolver(string? url = "postgresql://observatory:pw@localhost:5432/lt_target") => new(new Dictionary<string, string?>
    {
        ["DATABASE_URL"] = url,
        ["MINIO_ENDPOINT"] = "minio:9000",
    });

    [Fact]
    public void Latest_is_the_newest_of_the_target_database_and_of_another_only_with_the_target_named()
    {
        var own = Resolver().ResolveRestore(new SettingOverrides { Choice = BackupChoice.Latest });
        Assert.Equal(("lt_target", "lt_target"), (own.LatestOf, own.Target));
        var intoCopy = Resolver().ResolveRestore(new SettingOverrides { Choice = BackupChoice.Latest, TargetDatabase = "lt_copy" });
        Assert.Equal(("lt_copy", "lt_copy"), (intoCopy.LatestOf, intoCopy.Settings.Database!.Database));

        var refused = Assert.Throws<OptionConflictException>(() => Resolver().ResolveRestore(new SettingOverrides { Choice = BackupChoice.Latest, LatestOf = "other" }));
        Assert.Equal(OptionRule.BackupOfAnotherDatabase, refused.Rule);
        Assert.Contains("\"other\"", refused.Message);
        Assert.Contains("\"lt_target\"", refused.Message);
        Assert.Equal($"{refused.Message} words", refused.Worded(_ => "words"));

        var named = Resolver().ResolveRestore(new SettingOverrides { Choice = BackupChoice.Latest, LatestOf = "other", TargetDatabase = "lt_target" });
        Assert.Equal(("other", "lt_target"), (named.LatestOf, named.Target));
        // a URL given with the command names the target as well as --target-database does; DATABASE_URL from the environment does not
        var byUrl = Resolver().ResolveRestore(new SettingOverrides { Choice = BackupChoice.Latest, LatestOf = "other", DatabaseUrl = "postgresql://u:p@h/restore_test" });
        Assert.Equal(("other", "restore_test"), (byUrl.LatestOf, byUrl.Target));
    }

    [Fact]
    public void A_listed_backup_of_another_database_is_refused_unless_the_target_is_named_and_a_named_one_goes_anywhere()
    {
        var listed = Resolver().ResolveRestore(new SettingOverrides { Choice = BackupChoice.Listed });
        Assert.Null(listed.Refusal("lt_target", "postgres/x"));
        var refusal = listed.Refusal("other", "postgres/2026/01/01/other_20260101_000000.sql.gz");
        Assert.Equal(OptionRule.BackupOfAnotherDatabase, refusal!.Rule);
        Assert.Contains("'postgres/2026/01/01/other_20260101_000000.sql.gz' is of database \"other\"", refusal.Message);
        // a name outside the scheme says no database: only the target named lets it go
        Assert.NotNull(listed.Refusal(null, "postgres/odd.sql.gz"));
        Assert.Null(Resolver().ResolveRestore(new SettingOverrides { Choice = BackupChoice.Listed, TargetDatabase = "x" }).Refusal("other"));

        var named = Resolver().ResolveRestore(new SettingOverrides { Choice = BackupChoice.Named });
        Assert.Null(named.Refusal("other"));
        Assert.Null(named.Refusal(null));
        Assert.False(named.TargetNamed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a_name_of_sixty_four_bytes_is_one_byte_longer_than_postgres_kept")]
    [InlineData("nul\0inside")]
    public void A_target_database_postgres_would_not_take_whole_is_refused_naming_it(string name)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Resolver().ResolveRestore(new SettingOverrides { TargetDatabase = name }));
        Assert.Equal(Setting.TargetDatabase, ex.Setting);
        Assert.Null(ex.Variable);
        Assert.Contains("1 to 63 bytes", ex.Problem);
        Assert.Contains($"'{name.Replace("\0", "\\0", StringComparison.Ordinal)}'", ex.Problem);
        Assert.Equal(63, System.Text.Encoding.UTF8.GetByteCount(Resolver().ResolveRestore(new SettingOverrides { TargetDatabase = new string('é', 31) + "x" }).Target));
    }

    [Fact]
    public void A_tests_latest_is_of_the_urls_database_even_when_only_verifying_and_the_buckets_without_a_url()
    {
        Assert.Equal("lt_target", Resolver().ResolveTest(new SettingOverrides { Choice = BackupChoice.Latest }, verifyOnly: false).LatestOf);
        Assert.Equal("lt_target", Resolver().ResolveTest(new SettingOverrides { Choice = BackupChoice.Latest }, verifyOnly: true).LatestOf);
        Assert.Equal("other", Resolver().ResolveTest(new SettingOverrides { Choice = BackupChoice.Latest, LatestOf = "other" }, verifyOnly: true).LatestOf);
        Assert.Null(Resolver(url: null).ResolveTest(new SettingOverrides { Choice = BackupChoice.Latest }, verifyOnly: true).LatestOf);
        Assert.Null(Resolver().ResolveTest(new SettingOverrides(), verifyOnly: true).LatestOf);
    }
}
