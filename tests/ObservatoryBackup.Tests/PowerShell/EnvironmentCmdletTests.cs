using System.Management.Automation;
using ObservatoryBackup.Credentials;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.PowerShell;

/// <summary>The cmdlets' settings from the process's environment: these tests set its variables, so they run alone.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class EnvironmentCmdletTests(LonePostgres postgres) : IDisposable
{
    private const string OldKeyText = CredentialKeyCmdletTests.OldKeyText;
    private const string NewKeyText = CredentialKeyCmdletTests.NewKeyText;
    private readonly ModuleSession _ps = new();
    private PostgresServer Pg => postgres.Postgres;

    public void Dispose() => _ps.Dispose();

    [Fact]
    public void Missing_configuration_names_the_variable()
    {
        var saved = (Environment.GetEnvironmentVariable("DATABASE_URL"), Environment.GetEnvironmentVariable("MINIO_ENDPOINT"));
        try
        {
            Environment.SetEnvironmentVariable("DATABASE_URL", null);
            Environment.SetEnvironmentVariable("MINIO_ENDPOINT", "127.0.0.1:1");
            var error = _ps.InvokeFailing("Invoke-ObsBackup -LogFormat Json");
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.StartsWith("MissingConfiguration,", error.FullyQualifiedErrorId);
            Assert.Equal("DATABASE_URL", error.TargetObject);
            var line = ((HostInformationMessage)Assert.Single(_ps.Streams!.Information).MessageData).Message;
            Assert.Contains("\"event\": \"missing_required_env_var\", \"variable\": \"DATABASE_URL\"", line);

            Environment.SetEnvironmentVariable("MINIO_ENDPOINT", null);
            var listing = _ps.InvokeFailing("Get-ObsBackup");
            Assert.Equal("MINIO_ENDPOINT", listing.TargetObject);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DATABASE_URL", saved.Item1);
            Environment.SetEnvironmentVariable("MINIO_ENDPOINT", saved.Item2);
        }
    }

    [Fact]
    public void An_unknown_OBS_LOG_FORMAT_stops_the_cmdlet_naming_the_variable()
    {
        var saved = Environment.GetEnvironmentVariable("OBS_LOG_FORMAT");
        try
        {
            Environment.SetEnvironmentVariable("OBS_LOG_FORMAT", "yaml");
            var error = _ps.InvokeFailing("Get-ObsBackup -Endpoint 127.0.0.1:1");
            Assert.StartsWith("InvalidConfiguration,", error.FullyQualifiedErrorId);
            Assert.Equal("OBS_LOG_FORMAT", error.TargetObject);
            Assert.Equal("OBS_LOG_FORMAT must be text or json, not 'yaml'.", error.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("OBS_LOG_FORMAT", saved);
        }
    }

    [Fact]
    public async Task Keys_come_from_the_environment_and_bad_keys_are_named_not_echoed()
    {
        var db = await CredentialKeyCmdletTests.DatabaseAsync(Pg, 3);
        var saved = (Environment.GetEnvironmentVariable(UpdateKey.Old), Environment.GetEnvironmentVariable(UpdateKey.New));
        try
        {
            Environment.SetEnvironmentVariable(UpdateKey.Old, OldKeyText);
            Environment.SetEnvironmentVariable(UpdateKey.New, NewKeyText);
            var result = (KeyRotationResult)Assert.Single(_ps.Invoke("Update-ObsCredentialKey -DatabaseUrl $url -Confirm:$false",
                new Dictionary<string, object?> { ["url"] = Pg.Url(db) })).BaseObject;
            Assert.Equal(3, result.ReEncrypted);

            Environment.SetEnvironmentVariable(UpdateKey.New, "not-a-key-value-xyz");
            var error = _ps.InvokeFailing("Update-ObsCredentialKey -DatabaseUrl $url -Confirm:$false", new Dictionary<string, object?> { ["url"] = Pg.Url(db) });
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Equal(UpdateKey.New, error.TargetObject);
            Assert.DoesNotContain("not-a-key-value-xyz", error.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(UpdateKey.Old, saved.Item1);
            Environment.SetEnvironmentVariable(UpdateKey.New, saved.Item2);
        }
    }

    private static class UpdateKey
    {
        public const string Old = ObservatoryBackup.Configuration.SettingsResolver.OldCredentialKeyVariable;
        public const string New = ObservatoryBackup.Configuration.SettingsResolver.CredentialKeyVariable;
    }
}
