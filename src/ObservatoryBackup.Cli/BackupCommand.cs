using System.CommandLine;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup backup [--dry-run] [--compression …] [--compression-level N] [--metrics-file PATH] [--recipient AGE1…]… [--lock-days N] [--signing-key-file FILE] [--keep-* N] [--exclude-table P]… [--exclude-table-data P]… [--database NAME… | --all-databases] [--exclude-database PATTERN]… [--parallel N] [--include-globals] [--include-role-passwords]</c></summary>
internal static class BackupCommand
{
    public static Command Create(Commands app)
    {
        var dryRun = CommonOptions.DryRun();
        var level = new Option<int?>("--compression-level")
        {
            Description = "gzip 1-9 (default 4) or zstd 1-19 (default 1).",
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return n;
                r.AddError($"--compression-level takes a whole number (gzip 1-9, zstd 1-19), not '{text}'.");
                return null;
            },
        };
        var compression = new Option<string?>("--compression") { Description = "gzip (the default, .sql.gz) or zstd (.sql.zst); default: OBS_COMPRESSION, then gzip." };
        var metricsFile = CommonOptions.MetricsFile();
        var recipient = new Option<string[]>("--recipient")
        {
            Description = "Encrypt the backup with age to this recipient (age1…; repeat for more): the object is named ….sql.gz.age. Default: OBS_AGE_RECIPIENTS, then OBS_AGE_RECIPIENTS_FILE; unencrypted when none.",
            AllowMultipleArgumentsPerToken = false,
        };
        var lockDays = new Option<int?>("--lock-days")
        {
            Description = "Write the backup under S3 Object Lock for this many days (GOVERNANCE, or OBS_OBJECT_LOCK_MODE=COMPLIANCE); the bucket must have Object Lock. Default: OBS_OBJECT_LOCK_DAYS.",
        };
        var signingKeyFile = new Option<string?>("--signing-key-file")
        {
            Description = "Sign the backup with this minisign secret key file (unencrypted, as minisign -G -W or new-signing-key writes it): a detached signature OBJECT.minisig beside it, which minisign -Vm verifies. Default: OBS_SIGNING_KEY_FILE; unsigned when none.",
        };
        var backup = new Command("backup", "Dump the database, compress it and upload it as postgres/YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS.sql.gz (.sql.zst with --compression zstd; observatory_… for the observatory database), then delete that database's backups older than BACKUP_RETENTION_DAYS.")
        {
            dryRun, level, compression, metricsFile, recipient, lockDays, signingKeyFile,
        };
        var keep = CommonOptions.Keep();
        keep.AddTo(backup);
        var excludeTable = new Option<string[]>("--exclude-table") { Description = "Leave this table out, whole (pg_dump's pattern; repeat for more)." };
        var excludeTableData = new Option<string[]>("--exclude-table-data") { Description = "Keep this table's definition, leave its rows out (pg_dump's pattern; repeat for more)." };
        backup.Options.Add(excludeTable);
        backup.Options.Add(excludeTableData);
        var databases = new Option<string[]>("--database") { Description = "Back up this database of DATABASE_URL's server (repeat for more), each to its own object; one failing does not stop the others." };
        var allDatabases = new Option<bool>("--all-databases") { Description = "Back up every database of the server that can be connected to, templates left out." };
        var excludeDatabase = new Option<string[]>("--exclude-database") { Description = "With --all-databases or --database: leave out the databases this name matches (* and ? wildcards; repeat for more)." };
        var parallel = new Option<int>("--parallel") { Description = "With --all-databases or --database: how many databases at once (default 1).", DefaultValueFactory = _ => 1 };
        var includeGlobals = new Option<bool>("--include-globals")
        {
            Description = "Also back up the server's roles, their memberships and settings, and its tablespaces (pg_dumpall --globals-only) to their own object, postgres/…/%globals_YYYYMMDD_HHMMSS.sql.gz, before the databases. --all-databases does this always.",
        };
        var includeRolePasswords = new Option<bool>("--include-role-passwords")
        {
            Description = "With the globals: keep the roles' password hashes (they are hashes of real logins; left out unless given, and restored roles then have no password).",
        };
        foreach (var option in new Option[] { databases, allDatabases, excludeDatabase, parallel, includeGlobals, includeRolePasswords }) backup.Options.Add(option);
        backup.SetAction((r, ct) => RunAsync(app, () => keep.Apply(r, new SettingOverrides
        {
            MetricsPath = r.GetValue(metricsFile),
            CompressionLevel = r.GetValue(level),
            Recipients = r.GetValue(recipient) is { Length: > 0 } given ? given : null,
            LockDays = r.GetValue(lockDays),
            SigningKeyFile = r.GetValue(signingKeyFile),
            Compression = r.GetValue(compression) is { } c ? SettingsResolver.ParseCompression(c, variable: null) : null,
            ExcludeTables = r.GetValue(excludeTable) is { Length: > 0 } tables ? tables : null,
            ExcludeTableData = r.GetValue(excludeTableData) is { Length: > 0 } data ? data : null,
            Databases = r.GetValue(databases),
            AllDatabases = r.GetValue(allDatabases),
            ExcludeDatabases = r.GetValue(excludeDatabase),
            Parallel = r.GetValue(parallel),
            IncludeGlobals = r.GetValue(includeGlobals),
            IncludeRolePasswords = r.GetValue(includeRolePasswords),
        }), r.GetValue(dryRun), ct));
        return backup;
    }

    /// <summary>The backup <paramref name="overrides"/> ask for: of one database, or (several of them, or the globals) of its server.</summary>
    public static Task<int> RunAsync(Commands app, Func<SettingOverrides> overrides, bool dryRun, CancellationToken ct) =>
        app.RunAsync(resolver => resolver.ResolveBackup(overrides()), async (options, log) =>
        {
            if (options.Server is not null) return await BackUpServerAsync(app, options, log, dryRun, ct);
            var engine = new BackupEngine(options, log);
            if (dryRun) engine.DescribeDryRun(await engine.PlanAsync(ct, dryRun: true));
            else await engine.ExecuteAsync(await engine.PlanAsync(ct), ct);
            return ExitCodes.Success;
        });

    /// <summary>Several databases of DATABASE_URL's server: each its own run; exit 1 when any failed, after all ran.</summary>
    private static async Task<int> BackUpServerAsync(Commands app, BackupOptions options, Logging.IBackupLog log, bool dryRun, CancellationToken ct)
    {
        var server = new ServerBackup(options, log);
        var result = await server.RunAsync(await server.SelectAsync(ct), dryRun, null, ct);
        foreach (var failed in result.Databases.Where(d => !d.Succeeded))
            app.Error.WriteLine($"obs-backup: error: {failed.Subject}: {failed.Failure!.Message}");
        return result.Failed == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}
