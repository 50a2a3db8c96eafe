using System.CommandLine;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Credentials;
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
        var metricsFile = new Option<string?>("--metrics-file") { Description = "Write node_exporter textfile metrics to this .prom file (default: OBS_METRICS_FILE)." };
        var backup = new Command("backup", "Dump the database, gzip it and upload it as postgres/YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS.sql.gz (observatory_… for the observatory database), then delete that database's backups older than BACKUP_RETENTION_DAYS.")
        {
            dryRun, level, compression, metricsFile,
        };
        backup.SetAction((r, ct) => BackupAsync(r.GetValue(dryRun), r.GetValue(level), r.GetValue(compression), r.GetValue(metricsFile), ct));

        var list = new Command("list", "List the backups in the bucket, newest first.");
        list.SetAction((_, ct) => ListAsync(ct));

        var objectName = new Argument<string>("object") { Description = "The backup's object name, e.g. postgres/2026/02/16/observatory_20260216_020000.sql.gz." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (for CI and automation)." };
        var inPlace = new Option<bool>("--in-place") { Description = "Drop and recreate the database, then restore into it, instead of restoring into a staging database and swapping it in." };
        var noOwner = new Option<bool>("--no-owner") { Description = "Leave ownership and privileges out: every object is owned by the connecting user (a new server that lacks the backup's roles)." };
        var noTablespaces = new Option<bool>("--no-tablespaces") { Description = "Leave pg_dump's tablespace choices out: every object in the database's default tablespace (a server that lacks the backup's tablespaces)." };
        var restore = new Command("restore", "Download a backup, verify it, and restore it into the database of DATABASE_URL, replacing it.")
        {
            objectName, yes, inPlace, noOwner, noTablespaces,
        };
        restore.SetAction((r, ct) => RestoreAsync(r.GetValue(objectName)!, r.GetValue(yes), r.GetValue(inPlace), r.GetValue(noOwner), r.GetValue(noTablespaces), ct));

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
            testObject, latest, verifyOnly, keep, noOwner, noTablespaces, metricsFile,
        };
        test.SetAction((r, ct) => r.GetValue(latest) && r.GetValue(testObject) is { } named
            ? Task.FromResult(Fail($"'{named}' names one backup and --latest another; give one of them.", ExitCodes.BadConfiguration))
            : RunAsync(needsDatabase: !r.GetValue(verifyOnly), async (settings, log) =>
        {
            var name = r.GetValue(latest)
                ? (await new BackupCatalog(settings.Storage, new EventLog(log, TimeProvider.System)).NewestAsync(null, ct)).ObjectName
                : r.GetValue(testObject) ?? throw new BackupDataException(ObsErrorKind.InvalidArgument, ErrorIds.InvalidObjectName, "", "Name the backup to test, or pass --latest.");
            var result = await new BackupTestEngine(settings, log) { NoOwner = r.GetValue(noOwner), NoTablespaces = r.GetValue(noTablespaces) }.RunAsync(name, r.GetValue(verifyOnly), r.GetValue(keep), ct);
            if (result.Passed) return ExitCodes.Success;
            foreach (var m in result.Mismatches)
                stderr.WriteLine($"obs-backup: error: {m}");
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
                ?? throw new BackupDataException(ObsErrorKind.InvalidArgument, ErrorIds.InvalidMaxAge, r.GetValue(maxAge)!, $"--max-age must be a duration such as 26h, 90m or 2d, not '{r.GetValue(maxAge)}'.");
            var engine = new StatusEngine(settings, log);
            engine.EnsureFresh(await engine.RunAsync(r.GetValue(statusDatabase), limit, ct));
            return ExitCodes.Success;
        }, overrides: () => new SettingOverrides { MetricsPath = r.GetValue(metricsFile) }));

        var newKey = new Command("new-credential-key", "Print a new Fernet key for CREDENTIAL_ENCRYPTION_KEY (32 random bytes, url-safe base64, as Fernet.generate_key() makes it).");
        newKey.SetAction(_ =>
        {
            stdout.WriteLine(FernetKey.Generate().Export());
            return ExitCodes.Success;
        });

        var table = new Option<string>("--table") { Description = "Table holding the credentials.", DefaultValueFactory = _ => CredentialTable.DefaultTable };
        var schema = new Option<string?>("--schema") { Description = "Schema of the table (default: the connection's search_path)." };
        var keyColumn = new Option<string>("--key-column") { Description = "The table's key column, naming rows in reports.", DefaultValueFactory = _ => CredentialTable.DefaultKeyColumn };
        var column = new Option<string>("--column") { Description = "The encrypted column (jsonb or json holding the token as a string, or text).", DefaultValueFactory = _ => CredentialTable.DefaultColumn };
        var rotate = new Command("rotate-credential-key", "Re-encrypt the application's stored credentials from the old Fernet key to the new one, in one transaction. Keys come from the environment only: CREDENTIAL_ENCRYPTION_KEY (old) and CREDENTIAL_ENCRYPTION_KEY_NEW, or CREDENTIAL_ENCRYPTION_KEY_OLD and CREDENTIAL_ENCRYPTION_KEY (new).")
        {
            dryRun, yes, table, schema, keyColumn, column,
        };
        rotate.SetAction((r, ct) => RunAsync(needsDatabase: true, async (settings, log) =>
        {
            var (oldValue, newValue) = resolver.ResolveCredentialKeys(null, null);
            var (oldKey, newKey) = (FernetKey.Parse(oldValue), FernetKey.Parse(newValue));
            var credentials = new CredentialTable { Table = r.GetValue(table)!, Schema = r.GetValue(schema), KeyColumn = r.GetValue(keyColumn)!, Column = r.GetValue(column)! };
            var rotation = new CredentialKeyRotation(settings.Database!, credentials, oldKey, newKey, log);
            var dry = r.GetValue(dryRun);
            if (!dry && !r.GetValue(yes) && !Confirm($"every credential in {credentials} of database \"{settings.Database!.Database}\"", "the new key", "re-encrypts"))
                return ExitCodes.Declined;
            await rotation.RunAsync(dry, ct);
            return ExitCodes.Success;
        }));

        // The replaced scripts' spellings, so that every command of their operating document works with
        // the script replaced by obs-backup. A bare obs-backup still prints help: nobody starts a backup,
        // and its pruning, by exploring the CLI.
        var scriptDryRun = new Option<bool>("--dry-run") { Description = "As backup_postgres.py --dry-run: the same as 'backup --dry-run'." };
        var scriptList = new Option<bool>("--list") { Description = "As restore_postgres.py --list: the same as 'list'." };
        var scriptRestore = new Option<string?>("--restore") { Description = "As restore_postgres.py --restore OBJECT [--yes]: the same as 'restore OBJECT [--yes]'.", HelpName = "object" };
        var scriptYes = new Option<bool>("--yes", "-y") { Description = "With --restore: do not ask for confirmation." };
        root.Options.Add(scriptDryRun);
        root.Options.Add(scriptList);
        root.Options.Add(scriptRestore);
        root.Options.Add(scriptYes);
        root.SetAction((r, ct) =>
        {
            var (dry, listing, name, yesGiven) = (r.GetValue(scriptDryRun), r.GetValue(scriptList), r.GetValue(scriptRestore), r.GetValue(scriptYes));
            if ((dry ? 1 : 0) + (listing ? 1 : 0) + (name is null ? 0 : 1) > 1)
                return Task.FromResult(Fail("use one of --dry-run, --list and --restore at a time.", ExitCodes.BadConfiguration));
            if (listing) return ListAsync(ct);
            if (name is not null) return RestoreAsync(name, yesGiven, inPlace: false, noOwner: false, noTablespaces: false, ct);
            if (dry) return BackupAsync(dryRun: true, null, null, null, ct);
            if (yesGiven)
                return Task.FromResult(Fail("--yes goes with --restore OBJECT (or 'restore OBJECT --yes').", ExitCodes.BadConfiguration));
            new System.CommandLine.Help.HelpAction().Invoke(r);
            return Task.FromResult(ExitCodes.Failed);
        });

        root.Subcommands.Add(backup);
        root.Subcommands.Add(list);
        root.Subcommands.Add(restore);
        root.Subcommands.Add(prune);
        root.Subcommands.Add(test);
        root.Subcommands.Add(status);
        root.Subcommands.Add(rotate);
        root.Subcommands.Add(newKey);
        return root;
    }

    private Task<int> BackupAsync(bool dryRun, int? level, string? compression, string? metricsFile, CancellationToken ct) =>
        RunAsync(needsDatabase: true, async (settings, log) =>
        {
            var engine = new BackupEngine(settings, log);
            if (dryRun) engine.DescribeDryRun(await engine.PlanAsync(ct, dryRun: true));
            else await engine.ExecuteAsync(await engine.PlanAsync(ct), ct);
            return ExitCodes.Success;
        }, overrides: () => new SettingOverrides
        {
            MetricsPath = metricsFile,
            CompressionLevel = level,
            Compression = compression is { } c ? SettingsResolver.ParseCompression(c, variable: null) : null,
        });

    /// <summary>The scripts' table on stdout, alone, so that scripts can read it; the listing's events go to stderr.</summary>
    private Task<int> ListAsync(CancellationToken ct) =>
        RunAsync(needsDatabase: false, async (settings, log) =>
        {
            BackupTable.Write(stdout, await new BackupCatalog(settings.Storage, new EventLog(log, TimeProvider.System)).ListAsync(new BackupQuery(), ct));
            return ExitCodes.Success;
        }, logTo: stderr);

    private Task<int> RestoreAsync(string name, bool yes, bool inPlace, bool noOwner, bool noTablespaces, CancellationToken ct) =>
        RunAsync(needsDatabase: true, async (settings, log) =>
        {
            var engine = new RestoreEngine(settings, log) { NoOwner = noOwner, NoTablespaces = noTablespaces };
            engine.ValidateObjectName(name);
            if (!yes && !Confirm(engine.DescribeTarget(), $"'{name}'", "replaces"))
            {
                engine.Aborted(name);
                return ExitCodes.Declined;
            }
            await engine.RunAsync(name, inPlace ? RestoreMode.InPlace : RestoreMode.Staged, ct);
            return ExitCodes.Success;
        });

    /// <param name="with">What replaces the target: a quoted object name, "the new key".</param>
    /// <param name="verb">"replaces" or "re-encrypts", for the message.</param>
    private bool Confirm(string target, string with, string verb)
    {
        if (!inputIsTerminal)
        {
            stderr.WriteLine($"obs-backup: error: this {verb} {target} with {with}; pass --yes to confirm when input is not a terminal.");
            return false;
        }
        stderr.WriteLine($"WARNING: this {verb} {target} with {with}.");
        stderr.Write("Type 'yes' to continue: ");
        return string.Equals(stdin.ReadLine()?.Trim(), "yes", StringComparison.Ordinal);
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse is a usage error:
    /// each problem on a line of its own, and exit code 2, as the README's table says.
    /// </summary>
    public async Task<int> InvokeAsync(string[] args)
    {
        var parsed = Build().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) stderr.WriteLine("obs-backup: error: " + error.Message);
            stderr.WriteLine("obs-backup: see 'obs-backup --help'.");
            return ExitCodes.BadConfiguration;
        }
        // Ctrl+C and SIGTERM (docker stop) cancel the run; it then aborts its upload, drops a staging
        // database, removes its temporary file and logs the failed *_finished line, within docker's 10 s.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
    }

    /// <param name="overrides">The command's options as settings; parsed inside, so a bad one is a configuration error too.</param>
    /// <param name="logTo">Where the JSON lines go: stdout, as the scripts wrote them, unless the command's output is there.</param>
    private async Task<int> RunAsync(bool needsDatabase, Func<ObsSettings, IBackupLog, Task<int>> action, TextWriter? logTo = null, Func<SettingOverrides>? overrides = null)
    {
        IBackupLog log = new JsonLineLog(logTo ?? stdout);
        try
        {
            // the CLI writes the scripts' JSON lines whatever OBS_LOG_FORMAT says, but a value the cmdlets refuse is refused here too
            resolver.ResolveLogFormat(null);
            var settings = resolver.Resolve(overrides?.Invoke() ?? new SettingOverrides(), needsDatabase);
            return await action(settings, log);
        }
        catch (ConfigurationException ex)
        {
            new EventLog(log, TimeProvider.System).ConfigurationFailed(ex, OptionNames.For);
            return Fail(ex.MessageFor(OptionNames.For), ExitCodes.BadConfiguration);
        }
        catch (RestoreFailedException ex) when (ex.MissingRole is not null || ex.MissingTablespace is not null)
        {
            if (ex.MissingRole is { } role) stderr.WriteLine($"obs-backup: hint: create the role \"{role}\" on the server, or restore with --no-owner");
            if (ex.MissingTablespace is { } tablespace) stderr.WriteLine($"obs-backup: hint: create the tablespace \"{tablespace}\" on the server, or restore with --no-tablespaces");
            return Fail(ex.Message, ExitCodes.Failed);
        }
        catch (ObsBackupException ex)
        {
            return Fail(ex.Message, ExitCodes.For(ex.Kind));
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
