using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Backup;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Backs up the PostgreSQL database to S3/MinIO: pg_dump, compress (gzip, or zstd), upload, then prune old backups.</para>
/// <para type="description">Runs pg_dump (plain SQL) against DATABASE_URL, compresses its output with gzip (or zstd, -Compression Zstd: .sql.zst) and streams it to the bucket as postgres/YYYY/MM/DD/observatory_YYYYMMDD_HHMMSS.sql.gz (UTC), where observatory is the database's name. The backup holds a lock on its database, so two never run at once; it completes only when pg_dump succeeded and its output ran to its end (its completion line outside COPY data), and never overwrites an existing object. Nothing is written to a temporary file, and memory does not grow with the size of the database.</para>
/// <para type="description">The upload completes only after pg_dump has exited successfully; a failed dump leaves no object and no incomplete upload, and stops with an error carrying pg_dump's messages. The bucket is created when missing. A backup whose name already exists (two backups in the same second) is refused; the existing one is never overwritten.</para>
/// <para type="description">After a successful upload, backups under postgres/ that follow the naming scheme and are older than -RetentionDays are deleted, unless a keep rule (-KeepLast, -KeepDaily, ...) or a pin (Protect-ObsBackup) keeps them. -RetentionDays 0 keeps everything.</para>
/// <para type="description">-Database, -AllDatabases and -IncludeGlobals back up several databases of one server, and its roles and tablespaces, each to its own object; one failing stops no other.</para>
/// <para type="description">-WhatIf is the dry run: it connects to PostgreSQL, checks pg_dump against the server version, lists the bucket with the given credentials, and reports the object name it would write and what retention would delete, without writing anything. The database password reaches pg_dump through its environment, never its command line, and appears in no output.</para>
/// </summary>
/// <output>ObjectName, Bucket, Database, Size, DumpSize, Duration, Pruned and DryRun. It pipes into Restore-ObsBackup.</output>
/// <example title="Take a backup">
/// <code>
/// $env:DATABASE_URL = 'postgresql+asyncpg://observatory:observatory@localhost:5432/observatory'
/// $env:MINIO_ENDPOINT = 'localhost:9000'
/// Invoke-ObsBackup
/// </code>
/// <para>Dumps the database, uploads postgres/YYYY/MM/DD/observatory_YYYYMMDD_HHMMSS.sql.gz and deletes backups older than 30 days.</para>
/// </example>
/// <example title="Dry run">
/// <code>Invoke-ObsBackup -WhatIf</code>
/// <para>Connects to PostgreSQL and the bucket and reports the object name it would write and the backups retention would delete. Nothing is written.</para>
/// </example>
/// <example title="Check new object-store credentials before switching to them">
/// <code>Invoke-ObsBackup -WhatIf -Credential (Get-Credential new_access_key)</code>
/// <para>The credential-rotation check: fails with an AuthenticationError if the new keys are refused.</para>
/// </example>
/// <example title="Run nightly from cron with JSON log lines">
/// <code>0 2 * * * OBS_LOG_FORMAT=json pwsh -NoProfile -Command 'Invoke-ObsBackup | Out-Null' &gt;&gt; /var/log/obs_backup.log 2&gt;&amp;1</code>
/// <para>A crontab line: one backup at 02:00 every day. A successful run ends with {"event": "backup_finished", "status": "success", ...}.</para>
/// </example>
/// <example title="Keep two weeks in another bucket">
/// <code>Invoke-ObsBackup -Bucket observatory-weekly -RetentionDays 14</code>
/// <para>Parameters override the environment variables for one run.</para>
/// </example>
/// <example title="A password kept out of the script">
/// <code>
/// $cred = Get-Credential observatory   # or Get-Secret from a vault
/// Invoke-ObsBackup -DatabaseUrl 'postgresql://db.example:5432/observatory' -DatabaseCredential $cred
/// </code>
/// <para>The URL carries no password, so no script line, error view or history shows one.</para>
/// </example>
/// <example title="Every database of the server, and its roles">
/// <code>Invoke-ObsBackup -AllDatabases -ExcludeDatabase 'scratch_*' -Parallel 2</code>
/// <para>Backs up the globals (roles, memberships, tablespaces), then each database but the excluded ones, two at a time, each to its own object with its own retention.</para>
/// </example>
/// <seealso cref="GetObsBackupCommand"/>
/// <seealso cref="RestoreObsBackupCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsLifecycle.Invoke, "ObsBackup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = OneDatabase)]
[OutputType(typeof(BackupResult))]
public sealed class InvokeObsBackupCommand : ObsStorageCmdletBase
{
    private const string OneDatabase = "OneDatabase";
    private const string Named = "Named";
    private const string All = "All";

    /// <summary><see cref="Help.ParameterTexts.BackupDatabase"/></summary>
    /// <default>none</default>
    [Parameter(Mandatory = true, ParameterSetName = Named)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DatabaseNameCompleter))]
    public string[]? Database { get; set; }

    /// <summary><see cref="Help.ParameterTexts.AllDatabases"/></summary>
    /// <default>False</default>
    [Parameter(Mandatory = true, ParameterSetName = All)]
    public SwitchParameter AllDatabases { get; set; }

    /// <summary><see cref="Help.ParameterTexts.ExcludeDatabase"/></summary>
    /// <default>none</default>
    [Parameter(ParameterSetName = All)]
    [Parameter(ParameterSetName = Named)]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeDatabase { get; set; }

    /// <summary><see cref="Help.ParameterTexts.Parallel"/></summary>
    /// <default>1</default>
    [Parameter(ParameterSetName = All)]
    [Parameter(ParameterSetName = Named)]
    [ValidateRange(1, 16)]
    public int Parallel { get; set; } = 1;

    /// <summary>PostgreSQL URL of the database to back up, for example postgresql+asyncpg://user:password@host:5432/observatory. Missing parts default to localhost, 5432 and observatory.</summary>
    /// <default>DATABASE_URL</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DatabaseUrl { get; set; }

    /// <summary>User and password for PostgreSQL, in place of any in the URL: no password needs to be written into a script. Get-Credential, or a secret vault's.</summary>
    /// <default>the URL's user and password</default>
    [Parameter]
    [Credential]
    public PSCredential? DatabaseCredential { get; set; }

    /// <summary>Delete scheme-conforming backups older than this many days after a successful backup. 0 keeps everything.</summary>
    /// <default>BACKUP_RETENTION_DAYS, then 30</default>
    [Parameter]
    [ValidateRange(0, 36500)]
    public int? RetentionDays { get; set; }

    /// <summary><see cref="Help.ParameterTexts.CompressionLevel"/></summary>
    /// <default>4 for gzip, 1 for zstd</default>
    [Parameter]
    [ValidateRange(1, 19)]
    public int? CompressionLevel { get; set; }

    /// <summary>The pg_dump executable, or the directory that holds it. It must be at least as new as the server.</summary>
    /// <default>OBS_PG_DUMP, then PATH, then the newest /usr/lib/postgresql/*/bin</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PgDumpPath { get; set; }

    /// <summary><see cref="Help.ParameterTexts.Compression"/></summary>
    /// <default>OBS_COMPRESSION, then Gzip</default>
    [Parameter]
    public CompressionFormat? Compression { get; set; }

    /// <summary><see cref="Help.ParameterTexts.BackupMetricsPath"/></summary>
    /// <default>OBS_METRICS_FILE</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPath { get; set; }

    /// <summary><see cref="Help.ParameterTexts.Recipient"/></summary>
    /// <default>OBS_AGE_RECIPIENTS, then OBS_AGE_RECIPIENTS_FILE</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Recipient { get; set; }

    /// <summary><see cref="Help.ParameterTexts.LockDays"/></summary>
    /// <default>OBS_OBJECT_LOCK_DAYS</default>
    [Parameter]
    [ValidateRange(1, 36500)]
    public int? LockDays { get; set; }

    /// <summary><see cref="Help.ParameterTexts.SigningKeyFile"/></summary>
    /// <default>OBS_SIGNING_KEY_FILE</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SigningKeyFile { get; set; }

    /// <summary><see cref="Help.ParameterTexts.ExcludeTable"/></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeTable { get; set; }

    /// <summary><see cref="Help.ParameterTexts.ExcludeTableData"/></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeTableData { get; set; }

    /// <summary><see cref="Help.ParameterTexts.KeepLast"/></summary>
    /// <default>BACKUP_KEEP_LAST, then off</default>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int? KeepLast { get; set; }

    /// <summary><see cref="Help.ParameterTexts.KeepDaily"/></summary>
    /// <default>BACKUP_KEEP_DAILY, then off</default>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int? KeepDaily { get; set; }

    /// <summary><see cref="Help.ParameterTexts.KeepWeekly"/></summary>
    /// <default>BACKUP_KEEP_WEEKLY, then off</default>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int? KeepWeekly { get; set; }

    /// <summary><see cref="Help.ParameterTexts.KeepMonthly"/></summary>
    /// <default>BACKUP_KEEP_MONTHLY, then off</default>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int? KeepMonthly { get; set; }

    /// <summary><see cref="Help.ParameterTexts.KeepYearly"/></summary>
    /// <default>BACKUP_KEEP_YEARLY, then off</default>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int? KeepYearly { get; set; }

    /// <summary><see cref="Help.ParameterTexts.BackupIncludeGlobals"/></summary>
    [Parameter]
    public SwitchParameter IncludeGlobals { get; set; }

    /// <summary><see cref="Help.ParameterTexts.IncludeRolePasswords"/></summary>
    [Parameter]
    public SwitchParameter IncludeRolePasswords { get; set; }

    protected override void Complete()
    {
        var options = Configure(() => Resolver.ResolveBackup(WithStorage(new SettingOverrides
        {
            DatabaseUrl = DatabaseUrl,
            DatabaseCredential = CredentialFrom(DatabaseCredential),
            RetentionDays = RetentionDays,
            PgDumpPath = PgDumpPath,
            MetricsPath = MetricsPath,
            CompressionLevel = CompressionLevel,
            Recipients = Recipient,
            LockDays = LockDays,
            SigningKeyFile = SigningKeyFile is null ? null : GetUnresolvedProviderPathFromPSPath(SigningKeyFile),
            ExcludeTables = ExcludeTable,
            ExcludeTableData = ExcludeTableData,
            KeepLast = KeepLast,
            KeepDaily = KeepDaily,
            KeepWeekly = KeepWeekly,
            KeepMonthly = KeepMonthly,
            KeepYearly = KeepYearly,
            Compression = Compression switch
            {
                CompressionFormat.Zstd => BackupCodec.Zstd,
                CompressionFormat.Gzip => BackupCodec.Gzip,
                _ => null,
            },
            Databases = Database,
            AllDatabases = AllDatabases,
            ExcludeDatabases = ExcludeDatabase,
            Parallel = Parallel,
            IncludeGlobals = IncludeGlobals,
            IncludeRolePasswords = IncludeRolePasswords,
        })));
        if (options.Server is not null)
        {
            BackUpServer(options);
            return;
        }
        var settings = options.Settings;
        var engine = new BackupEngine(options, Log);
        var plan = Run(ct => engine.PlanAsync(ct, dryRun: WhatIfRequested));

        var target = $"{plan.ObjectName} in bucket '{settings.Storage.Bucket}' at {settings.Storage.Endpoint}";
        var action = $"Back up database \"{plan.Database.Database}\" on {plan.Database.Host}:{plan.Database.Port}";
        if (WhatIfRequested)
        {
            ShouldProcess(target, action);
            // a line for each backup retention deletes, one for all it keeps (the JSON lines name each with its rule)
            var others = plan.Decisions.Where(d => d.ObjectName != plan.ObjectName).ToList();
            foreach (var expired in others.Where(d => d.Expired))
                ShouldProcess(expired.ObjectName, "Delete expired backup (kept by no retention rule)");
            if (Retention.RetentionDecision.DescribeKept(others) is { } kept)
                ShouldProcess(kept, "Keep");
            var dryRun = engine.DescribeDryRun(plan);
            Flush();
            WriteObject(dryRun);
            return;
        }
        if (!ShouldProcess(target, action)) return;

        WriteObject(Run(ct => engine.ExecuteAsync(plan, ct)));
    }

    /// <summary>Several databases: each one's result as it is written, each failure an error record of its own.</summary>
    private void BackUpServer(BackupOptions options)
    {
        var server = new ServerBackup(options, Log);
        // -IncludeGlobals alone selects no database: the engine takes -DatabaseUrl's
        var databases = Run(server.SelectAsync);
        var host = $"{options.Settings.Database!.Host}:{options.Settings.Database.Port}";
        var globals = server.IncludeGlobals ? "the globals and " : "";
        if (!WhatIfRequested && !ShouldProcess($"{globals}{databases.Count} databases on {host} ({string.Join(", ", databases)})", "Back up")) return;
        if (WhatIfRequested)
        {
            if (server.IncludeGlobals) ShouldProcess($"the roles, memberships and tablespaces of {host}", "Back up");
            foreach (var database in databases) ShouldProcess($"database \"{database}\" on {host}", "Back up");
        }
        var result = Run(ct => server.RunAsync(databases, WhatIfRequested, null, ct));
        Flush();
        foreach (var outcome in result.Databases)
        {
            if (outcome.Result is { } written) WriteObject(written);
            else WriteError(ErrorCategories.Record(outcome.Failure!));
        }
    }
}
