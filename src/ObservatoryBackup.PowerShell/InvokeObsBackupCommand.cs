using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Backup;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Backs up the PostgreSQL database to S3/MinIO: pg_dump, compress (gzip, or zstd), upload, then prune old backups.</para>
/// <para type="description">Writes postgres/YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS.sql.gz (UTC; DATABASE is observatory for the spec's database). -WhatIf is the dry run: it connects to PostgreSQL and the bucket and reports the object name and what retention would delete, writing nothing.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ObsBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BackupResult))]
public sealed class InvokeObsBackupCommand : ObsStorageCmdletBase
{
    /// <summary>PostgreSQL URL of the database to back up. Default: DATABASE_URL.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DatabaseUrl { get; set; }

    /// <summary>User and password for PostgreSQL, in place of any in the URL: no password needs to be written into a script. Get-Credential, or a secret vault's.</summary>
    [Parameter]
    [Credential]
    public PSCredential? DatabaseCredential { get; set; }

    /// <summary>Delete scheme-conforming backups older than this many days after a successful upload; 0 keeps all. Default: BACKUP_RETENTION_DAYS, then 30.</summary>
    [Parameter]
    [ValidateRange(0, 36500)]
    public int? RetentionDays { get; set; }

    /// <summary>Compression level: gzip 1 (fastest) to 9 (smallest), default 4; zstd 1 to 19, default 1.</summary>
    [Parameter]
    [ValidateRange(1, 19)]
    public int? CompressionLevel { get; set; }

    /// <summary>pg_dump to use (file or directory). Default: OBS_PG_DUMP, then PATH, then the newest /usr/lib/postgresql/*/bin.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PgDumpPath { get; set; }

    /// <summary>Gzip (the default, .sql.gz) or Zstd (.sql.zst). Default: OBS_COMPRESSION, then Gzip.</summary>
    [Parameter]
    public CompressionFormat? Compression { get; set; }

    /// <summary>Write node_exporter textfile metrics (last success, duration, size, status, count) to this .prom file. Default: OBS_METRICS_FILE.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPath { get; set; }

    protected override void Complete()
    {
        var settings = ResolveSettings(needsDatabase: true, new SettingOverrides
        {
            DatabaseUrl = DatabaseUrl,
            DatabaseCredential = CredentialFrom(DatabaseCredential),
            RetentionDays = RetentionDays,
            PgDumpPath = PgDumpPath,
            MetricsPath = MetricsPath,
            CompressionLevel = CompressionLevel,
            Compression = Compression switch
            {
                CompressionFormat.Zstd => BackupCodec.Zstd,
                CompressionFormat.Gzip => BackupCodec.Gzip,
                _ => null,
            },
        });
        var engine = new BackupEngine(settings, Log);
        var plan = Run(ct => engine.PlanAsync(ct, dryRun: WhatIfRequested));

        var target = $"{plan.ObjectName} in bucket '{settings.Storage.Bucket}' at {settings.Storage.Endpoint}";
        var action = $"Back up database \"{plan.Database.Database}\" on {plan.Database.Host}:{plan.Database.Port}";
        if (WhatIfRequested)
        {
            ShouldProcess(target, action);
            foreach (var expired in plan.Expired)
                ShouldProcess(expired, $"Delete backup older than {settings.RetentionDays} days");
            var dryRun = engine.DescribeDryRun(plan);
            Flush();
            WriteObject(dryRun);
            return;
        }
        if (!ShouldProcess(target, action)) return;

        WriteObject(Run(ct => engine.ExecuteAsync(plan, ct)));
    }
}
