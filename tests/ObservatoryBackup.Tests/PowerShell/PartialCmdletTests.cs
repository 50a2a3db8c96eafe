using System.Management.Automation;
using System.Net;
using ObservatoryBackup.Monitoring;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.PowerShell;

/// <summary>Get-ObsBackupContents and Restore-ObsBackup -Table/-Schema in a user's session, bound from Get-ObsBackup's output.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class PartialCmdletTests(Servers servers) : IDisposable
{
    private readonly ModuleSession _ps = new();
    private PostgresServer Pg => servers.Postgres;
    private S3Server S3 => servers.S3;

    public void Dispose() => _ps.Dispose();

    private const string Storage = "-Endpoint $endpoint -Credential $cred";

    [Fact]
    public async Task Contents_binds_from_the_listing_and_a_table_restores_into_a_new_database()
    {
        var (source, target, bucket) = (Servers.UniqueName("ps-part"), Servers.UniqueName("ps-parted"), Servers.UniqueName("ps-bkt"));
        await SampleDatabase.CreateAsync(Pg, source, rows: 300);
        var vars = new Dictionary<string, object?>
        {
            ["url"] = Pg.Url(source), ["target"] = Pg.Url(target), ["endpoint"] = S3.Endpoint, ["bucket"] = bucket, ["pgbin"] = PostgresServer.BinDir,
            ["cred"] = new PSCredential(S3.AccessKey, new NetworkCredential("", S3.SecretKey).SecurePassword),
        };
        _ps.Invoke($"Invoke-ObsBackup -DatabaseUrl $url {Storage} -Bucket $bucket -PgDumpPath $pgbin", vars);
        var counts = await Pg.RowCountsAsync(source);

        foreach (var verify in new[] { "", " -Verify" })
        {
            var rows = _ps.Invoke($"Get-ObsBackup {Storage} -Bucket $bucket -Latest | Get-ObsBackupContents {Storage}{verify}", vars).Select(o => (BackupTableRows)o.BaseObject).ToList();
            Assert.Equal(counts, new SortedDictionary<string, long>(rows.ToDictionary(r => r.Table, r => r.Rows), StringComparer.Ordinal));
            Assert.All(rows, r => Assert.Equal(verify != "", r.Verified));
        }

        var refused = _ps.InvokeFailing($"Get-ObsBackup {Storage} -Bucket $bucket -Latest | Restore-ObsBackup -DatabaseUrl $url {Storage} -PsqlPath $pgbin -Table research.queries -Force", vars);
        Assert.Contains("-Table and -Schema restore part of a backup only into a database that does not exist yet", refused.ToString(), StringComparison.Ordinal);

        var result = (RestoreResult)Assert.Single(_ps.Invoke(
            $"Get-ObsBackup {Storage} -Bucket $bucket -Latest | Restore-ObsBackup -DatabaseUrl $target {Storage} -PsqlPath $pgbin -Table research.queries -Force", vars)).BaseObject;
        Assert.False(result.Replaced);
        Assert.Equal(["research.queries"], (await Pg.RowCountsAsync(target)).Keys);
        Assert.Equal(counts["research.queries"], (await Pg.RowCountsAsync(target))["research.queries"]);

        // -Latest into a -TargetDatabase takes the target's own newest: with none, the error says how to take another's
        var none = _ps.InvokeFailing($"Restore-ObsBackup -Latest -TargetDatabase {Servers.UniqueName("ps-none")} -DatabaseUrl $url {Storage} -Bucket $bucket -PsqlPath $pgbin -Force", vars);
        Assert.Contains("To restore another database's backup into it, add -Database NAME.", none.ToString(), StringComparison.Ordinal);
    }
}
