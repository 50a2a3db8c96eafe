using CliWrap.Buffered;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>Encrypted backups from obs-backup as cron runs it: a key pair, a backup to its recipient, a restore with its identity file.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class EncryptedCliTests(Servers servers) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-cli-age-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) => ObsBackupCli.RunAsync(env, args);

    [Fact]
    public async Task New_age_key_backup_recipient_and_restore_identity_file_work_together()
    {
        var (db, bucket) = (Servers.UniqueName("cli-age"), Servers.UniqueName("cli-bkt"));
        await SampleDatabase.CreateAsync(servers.Postgres, db, rows: 30);
        var env = ObsBackupCli.Environment(servers, db, bucket);
        var keyFile = Path.Combine(_dir, "backups.agekey");

        var key = await RunAsync(env, "new-age-key", "--output", keyFile);
        Assert.True(key.ExitCode == 0, key.StandardError);
        var recipient = key.StandardOutput.Trim();
        Assert.Matches("^age1[a-z0-9]{58}$", recipient);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        var again = await RunAsync(env, "new-age-key", "--output", keyFile);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.StandardError);

        var backup = await RunAsync(env, "backup", "--recipient", recipient);
        Assert.True(backup.ExitCode == 0, backup.StandardError);
        var name = Assert.Single(await servers.S3.ListAsync(bucket));
        Assert.EndsWith(".sql.gz.age", name);

        var noKey = await RunAsync(env, "test", name, "--verify-only");
        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("--identity-file", noKey.StandardError);

        var target = Servers.UniqueName("cli-age-restored");
        var restoreEnv = new Dictionary<string, string?>(env) { ["DATABASE_URL"] = servers.Postgres.Url(target) };
        var restored = await RunAsync(restoreEnv, "restore", name, "--yes", "--identity-file", keyFile);
        Assert.True(restored.ExitCode == 0, restored.StandardError);
        Assert.Equal(await servers.Postgres.ContentDigestAsync(db), await servers.Postgres.ContentDigestAsync(target));
        Assert.DoesNotContain("AGE-SECRET-KEY", backup.StandardOutput + restored.StandardOutput + restored.StandardError);
    }
}
