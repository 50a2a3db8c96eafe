using System.Net;
using System.Management.Automation;
using ObservatoryBackup.Errors;
using ObservatoryBackup.PowerShell;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.PowerShell;

/// <summary>Signed backups through the cmdlets: -SigningKeyFile signs, Get-ObsBackup shows Signed, -TrustedKey restores only what its key signed.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class SignedCmdletTests(Servers servers) : IDisposable
{
    private readonly ModuleSession _ps = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-ps-sign-").FullName;

    public void Dispose()
    {
        _ps.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private const string Storage = "-Endpoint $endpoint -Credential $cred -Bucket $bucket";

    [Fact]
    public async Task SigningKeyFile_signs_Get_ObsBackup_shows_Signed_and_TrustedKey_refuses_another_keys_backup()
    {
        var (db, bucket) = (Servers.UniqueName("ps-sign"), Servers.UniqueName("ps-bkt"));
        var target = Servers.UniqueName("ps-sign-dst");
        await SampleDatabase.CreateAsync(servers.Postgres, db, rows: 40);
        var vars = new Dictionary<string, object?>
        {
            ["url"] = servers.Postgres.Url(db),
            ["target"] = servers.Postgres.Url(target),
            ["endpoint"] = servers.S3.Endpoint,
            ["bucket"] = bucket,
            ["cred"] = new PSCredential(servers.S3.AccessKey, new NetworkCredential("", servers.S3.SecretKey).SecurePassword),
            ["pgbin"] = PostgresServer.BinDir,
            ["sk"] = Path.Combine(_dir, "backups.key"),
            ["other"] = Path.Combine(_dir, "other.key"),
        };
        var key = (SigningKeyResult)Assert.Single(_ps.Invoke("New-ObsSigningKey -Path $sk", vars)).BaseObject;
        var other = (SigningKeyResult)Assert.Single(_ps.Invoke("New-ObsSigningKey -Path $other", vars)).BaseObject;
        vars["pub"] = key.PublicKey;
        vars["otherpub"] = other.PublicKey;

        _ps.Invoke($"Invoke-ObsBackup -DatabaseUrl $url {Storage} -PgDumpPath $pgbin -SigningKeyFile $sk", vars);
        var listed = (StoredBackup)Assert.Single(_ps.Invoke($"Get-ObsBackup {Storage}", vars)).BaseObject;
        Assert.True(listed.Signed);
        vars["name"] = listed.ObjectName;

        var refused = _ps.InvokeFailing($"Test-ObsBackup $name {Storage} -VerifyOnly -TrustedKey $otherpub", vars);
        Assert.StartsWith(ErrorIds.BackupSignatureInvalid, refused.FullyQualifiedErrorId);
        Assert.Contains(key.KeyId, refused.Exception.Message);

        _ps.Invoke($"Restore-ObsBackup $name -DatabaseUrl $target {Storage} -PsqlPath $pgbin -TrustedKey $otherpub, $pub -Force", vars);
        Assert.Equal(await servers.Postgres.ContentDigestAsync(db), await servers.Postgres.ContentDigestAsync(target));
    }
}
