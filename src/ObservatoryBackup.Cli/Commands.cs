using System.CommandLine;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Cli;

/// <summary>
/// The CLI's shared ground: the command tree (one file per command, each adding itself), running an
/// action with settings resolved from the environment, and turning the engine's exceptions into an
/// exit code and a one-line error. What more than one command does (a backup, the listing, a
/// restore: the scripts' spellings on the root do them too) is here once.
/// </summary>
internal sealed class Commands(TextWriter stdout, TextWriter stderr, TextReader stdin, bool inputIsTerminal, SettingsResolver resolver)
{
    public TextWriter Out => stdout;
    public TextWriter Error => stderr;
    public SettingsResolver Resolver => resolver;

    /// <summary>The root's help: every setting the environment gives (a test holds it to the resolver's list).</summary>
    private const string Description = """
        Back up PostgreSQL to MinIO/S3 and restore it. Configured by DATABASE_URL, MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY, MINIO_BUCKET, MINIO_SECURE and BACKUP_RETENTION_DAYS (MINIO_ROOT_USER and MINIO_ROOT_PASSWORD stand in for the keys).
        Retention's keep rules: BACKUP_KEEP_LAST, BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY, BACKUP_KEEP_MONTHLY, BACKUP_KEEP_YEARLY.
        A cluster's own place in a shared bucket: OBS_PREFIX (default postgres/).
        Tools and runs: OBS_PG_DUMP, OBS_PSQL, OBS_COMPRESSION, OBS_LOG_FORMAT, OBS_METRICS_FILE, OBS_NOTIFY_URL (pings /start, success, /fail), OBS_RESTORE_JOBS (connections a restore or test loads over), PGCONNECT_TIMEOUT, TMPDIR.
        Encryption (age): OBS_AGE_RECIPIENTS or OBS_AGE_RECIPIENTS_FILE to back up encrypted; OBS_AGE_IDENTITY_FILE to read encrypted backups.
        Immutable backups: OBS_OBJECT_LOCK_DAYS, OBS_OBJECT_LOCK_MODE (GOVERNANCE or COMPLIANCE).
        S3 accounts: OBS_S3_REGION (else AWS_REGION), OBS_S3_ADDRESSING (path or virtual), OBS_S3_STORAGE_CLASS, OBS_S3_SSE (AES256 or aws:kms) with OBS_S3_SSE_KMS_KEY_ID, OBS_S3_SSE_C_KEY_FILE; without MinIO keys, the AWS SDK's credential chain when AWS_ACCESS_KEY_ID, AWS_PROFILE or AWS_WEB_IDENTITY_TOKEN_FILE is set, or OBS_S3_CREDENTIALS=aws.
        Secrets may come from files: DATABASE_URL_FILE, MINIO_ACCESS_KEY_FILE, MINIO_SECRET_KEY_FILE, CREDENTIAL_ENCRYPTION_KEY_FILE (and _OLD_FILE, _NEW_FILE).
        """;

    public RootCommand Build()
    {
        var root = new RootCommand(Description);
        ScriptSpellings.AddTo(root, this);
        root.Subcommands.Add(BackupCommand.Create(this));
        root.Subcommands.Add(ListCommand.Create(this));
        root.Subcommands.Add(RestoreCommand.Create(this));
        root.Subcommands.Add(PruneCommand.Create(this));
        root.Subcommands.Add(TestCommand.Create(this));
        root.Subcommands.Add(StatusCommand.Create(this));
        root.Subcommands.Add(RotateCredentialKeyCommand.Create(this));
        root.Subcommands.Add(NewCredentialKeyCommand.Create(this));
        root.Subcommands.Add(NewAgeKeyCommand.Create(this));
        root.Subcommands.Add(NewSigningKeyCommand.Create(this));
        foreach (var pin in PinCommands.Create(this)) root.Subcommands.Add(pin);
        return root;
    }

    public Task<int> BackupAsync(bool dryRun, int? level, string? compression, string? metricsFile, IReadOnlyList<string>? recipients, int? lockDays, CancellationToken ct,
        Func<SettingOverrides, SettingOverrides>? more = null) =>
        RunAsync(needsDatabase: true, async (settings, log) =>
        {
            var engine = new BackupEngine(settings, log);
            if (dryRun) engine.DescribeDryRun(await engine.PlanAsync(ct, dryRun: true));
            else await engine.ExecuteAsync(await engine.PlanAsync(ct), ct);
            return ExitCodes.Success;
        }, overrides: () => BackupOverrides(level, compression, metricsFile, recipients, lockDays, more));

    /// <summary>Several databases of DATABASE_URL's server: each its own run; exit 1 when any failed, after all ran.</summary>
    public Task<int> BackupServerAsync(DatabaseSelection selection, GlobalsChoice globals, int parallel, bool dryRun, int? level, string? compression, string? metricsFile,
        IReadOnlyList<string>? recipients, int? lockDays, CancellationToken ct, Func<SettingOverrides, SettingOverrides>? more = null) =>
        RunAsync(needsDatabase: true, async (settings, log) =>
        {
            var server = new ServerBackup(settings, log) { Parallel = parallel, IncludeGlobals = globals.Include, IncludeRolePasswords = globals.RolePasswords };
            var result = await server.RunAsync(await server.SelectAsync(selection, ct), dryRun, null, ct);
            foreach (var failed in result.Databases.Where(d => !d.Succeeded))
                stderr.WriteLine($"obs-backup: error: {failed.Subject}: {failed.Failure!.Message}");
            return result.Failed == 0 ? ExitCodes.Success : ExitCodes.Failed;
        }, overrides: () => BackupOverrides(level, compression, metricsFile, recipients, lockDays, more));

    private static SettingOverrides BackupOverrides(int? level, string? compression, string? metricsFile, IReadOnlyList<string>? recipients, int? lockDays,
        Func<SettingOverrides, SettingOverrides>? more) =>
        (more ?? (o => o))(new SettingOverrides
        {
            MetricsPath = metricsFile,
            CompressionLevel = level,
            Recipients = recipients,
            LockDays = lockDays,
            Compression = compression is { } c ? SettingsResolver.ParseCompression(c, variable: null) : null,
        });

    /// <summary>The scripts' table (or JSON) on stdout, alone, so that scripts can read it; the listing's events go to stderr.</summary>
    public Task<int> ListAsync(CancellationToken ct, BackupQuery? query = null, bool json = false) =>
        RunAsync(needsDatabase: false, async (settings, log) =>
        {
            var backups = await new BackupCatalog(settings.Storage, new EventLog(log, TimeProvider.System)).ListAsync(query ?? new BackupQuery(), ct);
            if (json) BackupJson.Write(stdout, backups);
            else BackupTable.Write(stdout, backups);
            return ExitCodes.Success;
        }, logTo: stderr);

    /// <summary>Restores <see cref="RestoreChoice.Name"/>, or the newest backup (of a database) with --latest.</summary>
    public Task<int> RestoreAsync(RestoreChoice which, RestoreOptions options, CancellationToken ct) =>
        RunAsync(needsDatabase: true, async (settings, log) =>
        {
            var engine = new RestoreEngine(settings, log)
            {
                NoOwner = options.NoOwner, NoTablespaces = options.NoTablespaces, IncludeGlobals = options.IncludeGlobals, UpdateExistingRoles = options.UpdateExistingRoles,
                AllowPrivilegedRoles = options.AllowPrivilegedRoles,
            };
            var name = which.Name ?? (await new BackupCatalog(settings.Storage, new EventLog(log, TimeProvider.System)).NewestAsync(which.Database, ct)).ObjectName;
            engine.ValidateObjectName(name);
            if (!options.Yes && !Confirm(engine.DescribeTarget(name), $"'{name}'", BackupKey.IsGlobals(name) ? "adds to" : "replaces"))
            {
                engine.Aborted(name);
                return ExitCodes.Declined;
            }
            var result = await engine.RunAsync(name, options.InPlace ? RestoreMode.InPlace : RestoreMode.Staged, ct);
            if (result.Globals is not null)
                stderr.WriteLine($"obs-backup: globals '{result.Globals}': created roles [{string.Join(", ", result.RolesCreated)}], left existing roles [{string.Join(", ", result.RolesLeft)}] as they were, created tablespaces [{string.Join(", ", result.TablespacesCreated)}].");
            return ExitCodes.Success;
        }, overrides: () => new SettingOverrides { IdentityFile = options.IdentityFile, RestoreJobs = options.Jobs });

    /// <param name="with">What replaces the target: a quoted object name, "the new key".</param>
    /// <param name="verb">"replaces" or "re-encrypts", for the message.</param>
    public bool Confirm(string target, string with, string verb)
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
    public async Task<int> RunAsync(bool needsDatabase, Func<ObsSettings, IBackupLog, Task<int>> action, TextWriter? logTo = null, Func<SettingOverrides>? overrides = null)
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

    public int Fail(string message, int code)
    {
        stderr.WriteLine("obs-backup: error: " + message.ReplaceLineEndings(" "));
        return code;
    }
}

/// <summary>Which backup a restore takes: a name, or the newest (of <see cref="Database"/> when given).</summary>
internal sealed record RestoreChoice(string? Name, string? Database = null);

/// <summary>How a restore runs.</summary>
internal sealed record RestoreOptions(bool Yes, bool InPlace = false, bool NoOwner = false, bool NoTablespaces = false, string? IdentityFile = null,
    bool IncludeGlobals = false, bool UpdateExistingRoles = false, int? Jobs = null, bool AllowPrivilegedRoles = false);

/// <summary>Whether a backup run also stores the server's globals, and with the roles' password hashes.</summary>
internal sealed record GlobalsChoice(bool Include, bool RolePasswords);
