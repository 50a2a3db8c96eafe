using System.Management.Automation;
using System.Net;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.PowerShell;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>Guarantee: a pipeline never restores one database several times over (ending on the oldest backup), and listings tell databases apart.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class PipelineRestoreTests(Servers servers) : IDisposable
{
    private readonly ModuleSession _ps = new();

    public void Dispose() => _ps.Dispose();

    private Dictionary<string, object?> Vars(string database, string bucket) => new()
    {
        ["url"] = servers.Postgres.Url(database),
        ["endpoint"] = servers.S3.Endpoint,
        ["bucket"] = bucket,
        ["cred"] = new PSCredential(servers.S3.AccessKey, new NetworkCredential("", servers.S3.SecretKey).SecurePassword),
        ["pgbin"] = PostgresServer.BinDir,
    };

    [Fact]
    public async Task Several_backups_for_one_database_in_one_pipeline_are_refused_before_any_restore()
    {
        var (db, bucket) = (Servers.UniqueName("pipe"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(servers.Postgres, db, rows: 10);
        var vars = Vars(db, bucket);
        _ps.Invoke("Invoke-ObsBackup -DatabaseUrl $url -Endpoint $endpoint -Credential $cred -Bucket $bucket -PgDumpPath $pgbin", vars);
        await servers.S3.PutAsync(bucket, BackupKey.For(db, DateTimeOffset.UtcNow.AddDays(-3)), Dumps.Gzip("-- would empty the database\n--\n-- PostgreSQL database dump complete\n--\n"));
        await servers.Postgres.ExecuteAsync(db, "CREATE TABLE public.after_backup (x int)");
        var digest = await servers.Postgres.ContentDigestAsync(db);

        var error = _ps.InvokeFailing("Get-ObsBackup -Endpoint $endpoint -Credential $cred -Bucket $bucket | Restore-ObsBackup -DatabaseUrl $url -Endpoint $endpoint -Credential $cred -PsqlPath $pgbin -Force", vars);

        Assert.StartsWith("MultipleBackupsForOneDatabase,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("-Latest", error.ToString());
        Assert.Contains("Select-Object -First 1", error.ToString());
        Assert.Equal(digest, await servers.Postgres.ContentDigestAsync(db));
        Assert.DoesNotContain(_ps.Streams!.Information, r => r.Tags.Contains("restore_requested"));
    }

    [Fact]
    public async Task Get_ObsBackup_Database_lists_one_databases_backups()
    {
        var bucket = Servers.UniqueName("bkt");
        var at = new DateTimeOffset(2026, 2, 16, 2, 0, 0, TimeSpan.Zero);
        foreach (var db in new[] { "observatory", "observatory_test", "other db" })
            await servers.S3.PutAsync(bucket, BackupKey.For(db, at), new byte[10]);

        var listed = _ps.Invoke("Get-ObsBackup -Endpoint $endpoint -Credential $cred -Bucket $bucket -Database 'other db'", Vars("unused", bucket));

        var backup = (StoredBackup)Assert.Single(listed).BaseObject;
        Assert.Equal(("postgres/2026/02/16/other%20db_20260216_020000.sql.gz", "other db"), (backup.ObjectName, backup.Database));
    }
}
