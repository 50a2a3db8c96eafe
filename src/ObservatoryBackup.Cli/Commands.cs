using System.CommandLine;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Cli;

/// <summary>
/// The CLI's shared ground: the command tree (one file per command, each holding its options and its
/// run), running an action with options resolved from the environment, confirming, and turning the
/// engine's exceptions into an exit code and a one-line error.
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
        Signed backups (minisign): OBS_SIGNING_KEY_FILE to sign every backup (OBJECT.minisig beside it); OBS_TRUSTED_KEYS or OBS_TRUSTED_KEYS_FILE to restore and test only backups signed by those keys.
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
        VersionAction.ReplaceIn(root, stdout);
        return root;
    }

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

    /// <summary>Runs <paramref name="action"/> with the settings the environment and <paramref name="overrides"/> give.</summary>
    /// <param name="overrides">The command's options as settings; made inside, so a bad one is a configuration error too.</param>
    /// <param name="logTo">Where the JSON lines go: stdout, where log collectors read them, unless the command's output is there.</param>
    public Task<int> RunAsync(bool needsDatabase, Func<ObsSettings, IBackupLog, Task<int>> action, TextWriter? logTo = null, Func<SettingOverrides>? overrides = null) =>
        RunAsync(r => r.Resolve(overrides?.Invoke() ?? new SettingOverrides(), needsDatabase), action, logTo);

    /// <summary>Runs <paramref name="action"/> with the options <paramref name="resolve"/> builds (one of the resolver's use cases).</summary>
    /// <param name="resolve">Builds the options, with the command's options as settings; inside, so a bad one is a configuration error too.</param>
    /// <param name="logTo">Where the JSON lines go: stdout, where log collectors read them, unless the command's output is there.</param>
    public async Task<int> RunAsync<TOptions>(Func<SettingsResolver, TOptions> resolve, Func<TOptions, IBackupLog, Task<int>> action, TextWriter? logTo = null)
    {
        IBackupLog log = new JsonLineLog(logTo ?? stdout);
        try
        {
            // the CLI writes JSON lines whatever OBS_LOG_FORMAT says, but a value the cmdlets refuse is refused here too
            resolver.ResolveLogFormat(null);
            return await action(resolve(resolver), log);
        }
        catch (OptionConflictException ex)
        {
            return Fail(ex.Worded(OptionNames.Conflict), ExitCodes.BadConfiguration);
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
