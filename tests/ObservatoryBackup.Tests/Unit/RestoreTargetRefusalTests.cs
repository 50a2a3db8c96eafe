using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// Targets a restore must not replace, and options that do not go with the backup given: refused before
/// anything is fetched, each naming what was given, and logged as a failed restore.
/// </summary>
[Trait("Tier", "Fast")]
public class RestoreTargetRefusalTests
{
    private const string Backup = "postgres/2026/01/01/observatory_20260101_000000.sql.gz";
    private const string Globals = "postgres/2026/01/01/%globals_20260101_000000.sql.gz";

    private static RestoreEngine Engine(SettingOverrides overrides, RecordingLog log, string url = "postgresql://observatory:pw@localhost:5432/observatory") =>
        new(new SettingsResolver(new Dictionary<string, string?> { ["DATABASE_URL"] = url, ["MINIO_ENDPOINT"] = "minio:9000" }).ResolveRestore(overrides), log);

    [Theory]
    [InlineData("template0")]
    [InlineData("template1")]
    [InlineData("observatory_obs_restore_20260101000000")]
    [InlineData("observatory_obs_replaced_20260101000000")]
    public void A_target_database_no_restore_may_replace_is_refused_naming_it(string name)
    {
        var log = new RecordingLog();
        var ex = Assert.Throws<ConfigurationException>(() => Engine(new SettingOverrides { TargetDatabase = name }, log).ValidateObjectName(Backup));
        Assert.Equal((Setting.TargetDatabase, null), (ex.Setting, ex.Variable));
        Assert.Contains($"\"{name}\"", ex.Problem);
        Assert.Contains("Nothing was restored", ex.Problem);
        Assert.Contains(log.Events, e => e.Name == "restore_finished" && (string?)e["status"] == "failed");
    }

    [Fact]
    public void A_template_in_the_url_is_refused_naming_the_variable_or_the_url_given()
    {
        var fromEnvironment = Assert.Throws<ConfigurationException>(() =>
            Engine(new SettingOverrides(), new RecordingLog(), "postgresql://u:p@h/template1").ValidateObjectName(Backup));
        Assert.Equal((Setting.DatabaseUrl, "DATABASE_URL"), (fromEnvironment.Setting, fromEnvironment.Variable));
        Assert.Contains("\"template1\"", fromEnvironment.Message);
        var given = Assert.Throws<ConfigurationException>(() =>
            Engine(new SettingOverrides { DatabaseUrl = "postgresql://u:p@h/template0" }, new RecordingLog()).ValidateObjectName(Backup));
        Assert.Equal((Setting.DatabaseUrl, null), (given.Setting, given.Variable));
    }

    [Theory]
    [InlineData("a \"quoted\" name")]
    [InlineData("with-dash and space")]
    [InlineData("Observatory")]
    [InlineData("obs_restore_20260101000000")]
    [InlineData("名前のデータベース")]
    public void An_odd_but_valid_target_database_is_taken_as_given(string name)
    {
        var engine = Engine(new SettingOverrides { TargetDatabase = name }, new RecordingLog());
        engine.ValidateObjectName(Backup);
        Assert.Equal($"backup of database \"observatory\" into database \"{name}\"", engine.Into(Backup));
    }

    [Fact]
    public void A_target_database_with_a_globals_backup_is_refused_not_ignored()
    {
        var log = new RecordingLog();
        var ex = Assert.Throws<OptionConflictException>(() => Engine(new SettingOverrides { TargetDatabase = "observatory_copy" }, log).ValidateObjectName(Globals));
        Assert.Equal(OptionRule.TargetDatabaseWithGlobals, ex.Rule);
        Assert.Contains($"'{Globals}' is a globals backup", ex.Message);
        Assert.Contains("\"observatory_copy\"", ex.Message);
        Assert.StartsWith(ex.Message, ex.Worded(_ => "words"));
        Assert.Contains(log.Events, e => e.Name == "restore_finished" && (string?)e["status"] == "failed");
        // the globals alone, or with a URL naming where, are what they were
        Engine(new SettingOverrides(), new RecordingLog()).ValidateObjectName(Globals);
        Engine(new SettingOverrides { DatabaseUrl = "postgresql://u:p@h/elsewhere" }, new RecordingLog()).ValidateObjectName(Globals);
    }
}
