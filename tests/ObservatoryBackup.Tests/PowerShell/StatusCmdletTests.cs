using System.Management.Automation;
using System.Net;
using ObservatoryBackup.Monitoring;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.PowerShell;

/// <summary>Get-ObsBackupStatus over every database of a bucket on radosgw, an object named in the future beside the real ones.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class StatusCmdletTests(Servers servers) : IDisposable
{
    private readonly ModuleSession _ps = new();

    public void Dispose() => _ps.Dispose();

    private const string Storage = "-Endpoint $endpoint -Credential $cred -Bucket $bucket";

    [Fact]
    public async Task AllDatabases_gives_one_status_per_database_and_an_error_for_the_stale_one_never_counting_a_future_name()
    {
        var (bucket, fresh, stale, real, future) = await StatusBucket.CreateAsync(servers.S3, "ps-status");
        var vars = new Dictionary<string, object?>
        {
            ["endpoint"] = servers.S3.Endpoint, ["bucket"] = bucket,
            ["cred"] = new PSCredential(servers.S3.AccessKey, new NetworkCredential("", servers.S3.SecretKey).SecurePassword),
        };

        var statuses = _ps.Invoke($"Get-ObsBackupStatus {Storage} -AllDatabases -ErrorAction Continue", vars).Select(o => (BackupStatus)o.BaseObject).ToList();
        Assert.Equal([(fresh, true), (stale, false)], statuses.Select(s => (s.Database, s.Fresh)).OrderBy(s => s.Item1 == stale));
        var ofFresh = statuses.Single(s => s.Database == fresh);
        Assert.Equal((real, future), (ofFresh.Newest!.ObjectName, Assert.Single(ofFresh.Suspect).ObjectName));
        Assert.StartsWith("BackupStale,", Assert.Single(_ps.Streams!.Error).FullyQualifiedErrorId);
        Assert.Contains(_ps.Streams.Warning, w => w.Message.Contains(future, StringComparison.Ordinal));

        Assert.Equal(2, _ps.Invoke($"Get-ObsBackupStatus {Storage} -ErrorAction Continue", vars).Count);
        Assert.Equal(real, ((StoredBackup)Assert.Single(_ps.Invoke($"Get-ObsBackup {Storage} -Latest -Database '{fresh}'", vars)).BaseObject).ObjectName);
        Assert.True(((BackupStatus)Assert.Single(_ps.Invoke($"Get-ObsBackupStatus '{fresh}' {Storage} -MaxAge 2h", vars)).BaseObject).Fresh);
        Assert.StartsWith("AmbiguousParameterSet,", _ps.InvokeFailing($"Get-ObsBackupStatus -Database '{fresh}' -AllDatabases {Storage}", vars).FullyQualifiedErrorId);
    }
}
