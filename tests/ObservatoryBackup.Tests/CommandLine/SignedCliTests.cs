using System.Text.Json;
using CliWrap.Buffered;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>Signed backups from obs-backup as cron runs it: a key pair, a signed backup, a listing that says so, restores that trust one key and not another.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class SignedCliTests(Servers servers) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-cli-sign-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) => ObsBackupCli.RunAsync(env, args);

    [Fact]
    public async Task New_signing_key_signs_a_backup_list_marks_it_and_only_the_trusted_key_restores_it()
    {
        var (db, bucket) = (Servers.UniqueName("cli-sign"), Servers.UniqueName("cli-bkt"));
        await SampleDatabase.CreateAsync(servers.Postgres, db, rows: 30);
        var env = ObsBackupCli.Environment(servers, db, bucket);
        var (keyFile, otherFile) = (Path.Combine(_dir, "backups.key"), Path.Combine(_dir, "other.key"));

        var key = await RunAsync(env, "new-signing-key", "--output", keyFile);
        var other = await RunAsync(env, "new-signing-key", "--output", otherFile);
        Assert.True(key.ExitCode == 0 && other.ExitCode == 0, key.StandardError + other.StandardError);
        var (publicKey, otherPublicKey) = (key.StandardOutput.Trim(), other.StandardOutput.Trim());

        var backup = await RunAsync(env, "backup", "--signing-key-file", keyFile);
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        var name = Assert.Single(await servers.S3.ListAsync(bucket), n => !n.EndsWith(".minisig", StringComparison.Ordinal));
        Assert.Contains(name + ".minisig", await servers.S3.ListAsync(bucket));
        var list = await RunAsync(env, "list", "--json");
        var listed = Assert.Single(JsonDocument.Parse(list.StandardOutput).RootElement.EnumerateArray());
        Assert.True(listed.GetProperty("signed").GetBoolean());

        var refused = await RunAsync(env, "test", name, "--verify-only", "--trusted-key", otherPublicKey);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("not trusted", refused.StandardError);
        var fromEnvironment = await RunAsync(new Dictionary<string, string?>(env) { ["OBS_TRUSTED_KEYS"] = otherPublicKey }, "test", name, "--verify-only");
        Assert.Equal(refused.ExitCode, fromEnvironment.ExitCode);

        var target = Servers.UniqueName("cli-sign-restored");
        var restoreEnv = new Dictionary<string, string?>(env) { ["DATABASE_URL"] = servers.Postgres.Url(target) };
        var restored = await RunAsync(restoreEnv, "restore", name, "--yes", "--trusted-key", otherPublicKey, "--trusted-key", publicKey);
        Assert.True(restored.ExitCode == 0, restored.StandardError);
        Assert.Equal(await servers.Postgres.ContentDigestAsync(db), await servers.Postgres.ContentDigestAsync(target));
        Assert.DoesNotContain(await File.ReadAllTextAsync(keyFile), backup.StandardOutput + backup.StandardError);
    }
}
