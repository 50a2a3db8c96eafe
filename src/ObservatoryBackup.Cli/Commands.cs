using System.CommandLine;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Monitoring;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Retention;
using ObservatoryBackup.Store;
using ObservatoryBackup.Testing;

namespace ObservatoryBackup.Cli;

/// <summary>The command tree. Each action resolves settings from the environment, calls the engine, and maps its exceptions to an exit code and a one-line error.</summary>
internal sealed class Commands(TextWriter stdout, TextWriter stderr, TextReader stdin, bool inputIsTerminal, SettingsResolver resolver)
{
    public RootCommand Build()
    {
        var root = new RootCommand("Back up PostgreSQL to MinIO/S3 and restore it. Configured by DATABASE_URL, MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY, MINIO_BUCKET, MINIO_SECURE and BACKUP_RETENTION_DAYS.");

        var dryRun = new Option<bool>("--dry-run") { Description = "Connect and report what would be done; write nothing." };
        var level = new Option<int>("--compression-level") { Description = "gzip level 1-9.", DefaultValueFactory = _ => BackupEngine.DefaultCompressionLevel };
        var compression = new Option<string?>("--compression") { Description = "gzip (the default, .sql.gz) or zstd (.sql.zst); default: OBS_COMPRESSION, then gzip." };
        var metricsFile = new Option<string?>("--metrics-file") { Description = "Write node_exporter textfile metrics to this .prom file (default: OBS_METRICS_FILE)." };
        var backup = new Command("backup", "Dump the database, gzip it and upload it as postgres/YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS.sql.gz (observatory_… for the observatory database), then delete that database's backups older than BACKUP_RETENTION_DAYS.")
        {
            dryRun, level, compression, metricsFile,
        };
        backup.SetAction((r, ct) => RunAsync(needsDatabase: true, async (settings, log) =>
        {
            var engine = new BackupEngine(settings, log) { CompressionLevel = r.GetValue(level) };
            var plan = await engine.PlanAsync(ct);
            if (r.GetValue(dryRun)) engine.DescribeDryRun(plan);
            else await engine.ExecuteAsync(plan, ct);
            return ExitCodes.Success;
        }, overrides: () => new SettingOverrides
        {
            MetricsPath = r.GetValue(metricsFile),
            Compression = r.GetValue(compression) is { } c ? SettingsResolver.ParseCompression(c, variable: null) : null,
        }));

        var list = new Command("list", "List the backups in the bucket, newest first.");
        list.SetAction((_, ct) => RunAsync(needsDatabase: false, async (settings, _) =>
        {
            BackupTable.Write(stdout, await new BackupCatalog(settings.Storage).ListAsync(new BackupQuery(), ct));
            return ExitCodes.Success;
        }, logToStdout: false));

        var objectName = new Argument<string>("object") { Description = "The backup's object name, e.g. postgres/2026/02/16/observatory_20260216_020000.sql.gz." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (for CI and automation)." };
        var inPlace = new Option<bool>("--in-place") { Description = "Drop and recreate the database, then restore into it, instead of restoring into a staging database and swapping it in." };
        var noOwner = new Option<bool>("--no-owner") { Description = "Leave ownership and privileges out: every object is owned by the connecting user (a new server that lacks the backup's roles)." };
        var restore = new Command("restore", "Download a backup, verify it, and restore it into the database of DATABASE_URL, replacing it.")
        {
            objectName, yes, inPlace, noOwner,
        };
        restore.SetAction((r, ct) => RunAsync(needsDatabase: true, async (settings, log) =>
        {
            var name = r.GetValue(objectName)!;
            var engine = new RestoreEngine(settings, log) { NoOwner = r.GetValue(noOwner) };
            engine.ValidateObjectName(name);
            if (!r.GetValue(yes) && !Confirm(engine.DescribeTarget(), name))
            {
                engine.Aborted(name);
                return ExitCodes.Declined;
            }
            await engine.RunAsync(name, r.GetValue(inPlace) ? RestoreMode.InPlace : RestoreMode.Staged, ct);
            return ExitCodes.Success;
        }));

        var prune = new Command("prune", "Delete backups older than BACKUP_RETENTION_DAYS (only names that follow the backup scheme).") { dryRun };
        prune.SetAction((r, ct) => RunAsync(needsDatabase: false, async (settings, log) =>
        {
            await new Pruner(settings, log).RunAsync(r.GetValue(dryRun), ct);
            return ExitCodes.Success;
        }));

        var testObject = new Argument<string?>("object") { Description = "The backup to test; or --latest.", Arity = ArgumentArity.ZeroOrOne };
        var latest = new Option<bool>("--latest") { Description = "Test the newest backup in the bucket." };
        var verifyOnly = new Option<bool>("--verify-only") { Description = "Only check the backup as it downloads (size, gzip, pg_dump's closing line, rows per table); restore nothing." };
        var keep = new Option<bool>("--keep") { Description = "Keep the scratch database afterwards." };
        var test = new Command("test", "Prove a backup restores: restore it into a scratch database on the server of DATABASE_URL and check every table's row count; the scratch database is dropped afterwards.")
        {
            testObject, latest, verifyOnly, keep, noOwner, metricsFile,
        };
        test.SetAction((r, ct) => RunAsync(needsDatabase: !r.GetValue(verifyOnly), async (settings, log) =>
        {
            var name = r.GetValue(latest)
                ? (await new BackupCatalog(settings.Storage).ListAsync(new BackupQuery { Latest = true }, ct)).FirstOrDefault()?.ObjectName
                    ?? throw new BackupDataException(ObsErrorKind.NotFound, "NoBackups", settings.Storage.Bucket, $"There is no backup in bucket '{settings.Storage.Bucket}' to test.")
                : r.GetValue(testObject) ?? throw new BackupDataException(ObsErrorKind.InvalidArgument, "InvalidObjectName", "", "Name the backup to test, or pass --latest.");
            var result = await new BackupTestEngine(settings, log) { NoOwner = r.GetValue(noOwner) }.RunAsync(name, r.GetValue(verifyOnly), r.GetValue(keep), ct);
            if (result.Passed) return ExitCodes.Success;
            foreach (var m in result.Mismatches)
                stderr.WriteLine($"obs-backup: error: table {m.Table}: {m.Restored:N0} rows restored, {m.InBackup:N0} in the backup");
            return ExitCodes.Failed;
        }, overrides: () => new SettingOverrides { MetricsPath = r.GetValue(metricsFile) }));

        var statusDatabase = new Option<string?>("--database") { Description = "Only backups of this database (default: every backup in the bucket)." };
        var maxAge = new Option<string>("--max-age") { Description = "How old the newest backup may be: 26h, 90m, 2d or 1.02:00:00.", DefaultValueFactory = _ => "26h" };
        var status = new Command("status", "Tell whether backups are still being taken: newest and oldest backup, ages, count and size. Exit 1 when there is none, or the newest is older than --max-age.")
        {
            statusDatabase, maxAge, metricsFile,
        };
        status.SetAction((r, ct) => RunAsync(needsDatabase: false, async (settings, log) =>
        {
            var limit = Durations.TryParse(r.GetValue(maxAge)!)
                ?? throw new BackupDataException(ObsErrorKind.InvalidArgument, "InvalidMaxAge", r.GetValue(maxAge)!, $"--max-age must be a duration such as 26h, 90m or 2d, not '{r.GetValue(maxAge)}'.");
            var engine = new StatusEngine(settings, log);
            engine.EnsureFresh(await engine.RunAsync(r.GetValue(statusDatabase), limit, ct));
            return ExitCodes.Success;
        }, overrides: () => new SettingOverrides { MetricsPath = r.GetValue(metricsFile) }));

        root.Subcommands.Add(backup);
        root.Subcommands.Add(list);
        root.Subcommands.Add(restore);
        root.Subcommands.Add(prune);
        root.Subcommands.Add(test);
        root.Subcommands.Add(status);
        return root;
    }

    private bool Confirm(string target, string objectName)
    {
        if (!inputIsTerminal)
        {
            stderr.WriteLine($"obs-backup: error: restoring '{objectName}' replaces {target}; pass --yes to confirm when input is not a terminal.");
            return false;
        }
        stderr.WriteLine($"WARNING: this will replace {target} with the contents of '{objectName}'.");
        stderr.Write("Type 'yes' to continue: ");
        return string.Equals(stdin.ReadLine()?.Trim(), "yes", StringComparison.Ordinal);
    }

    /// <param name="overrides">The command's options as settings; parsed inside, so a bad one is a configuration error too.</param>
    private async Task<int> RunAsync(bool needsDatabase, Func<ObsSettings, IBackupLog, Task<int>> action, bool logToStdout = true, Func<SettingOverrides>? overrides = null)
    {
        IBackupLog log = logToStdout ? new JsonLineLog(stdout) : NullBackupLog.Instance;
        try
        {
            var settings = resolver.Resolve(overrides?.Invoke() ?? new SettingOverrides(), needsDatabase);
            return await action(settings, log);
        }
        catch (ConfigurationException ex)
        {
            new EventLog(log, TimeProvider.System).ConfigurationFailed(ex, OptionNames.For);
            return Fail(ex.MessageFor(OptionNames.For), ExitCodes.BadConfiguration);
        }
        catch (RestoreFailedException ex) when (ex.MissingRole is { } role)
        {
            stderr.WriteLine($"obs-backup: hint: create the role \"{role}\" on the server, or restore with --no-owner");
            return Fail(ex.Message, ExitCodes.Failed);
        }
        catch (ObsBackupException ex)
        {
            return Fail(ex.Message, ExitCodes.Failed);
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("obs-backup: cancelled");
            return 130;
        }
    }

    private int Fail(string message, int code)
    {
        stderr.WriteLine("obs-backup: error: " + message.ReplaceLineEndings(" "));
        return code;
    }
}
