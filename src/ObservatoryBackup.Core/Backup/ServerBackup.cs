using System.Diagnostics;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Backup;

/// <summary>
/// Backs up several databases of one server: each its own <see cref="BackupEngine"/> run, with its own
/// object, lock, retention, metrics and log lines. One database failing does not stop the others;
/// the run ends with one <c>run_finished</c> line. <see cref="ServerBackupOptions.Parallel"/> databases run at once.
/// </summary>
public sealed class ServerBackup(BackupOptions options, IBackupLog sink, TimeProvider? clock = null)
{
    /// <summary>Makes the object store; null for the S3 server of the settings (tests give an in-memory one).</summary>
    public ObjectStoreFactory? OpenStore { get; init; }

    private readonly ObsSettings settings = options.Settings;
    private readonly ServerBackupOptions _server = options.Server ?? throw new ArgumentException("A server's backup needs the databases it is of.", nameof(options));

    /// <summary>Whether the server's globals (roles, memberships, tablespaces) are backed up to their own object, before the databases.</summary>
    public bool IncludeGlobals => _server.IncludeGlobals;

    private int Parallel => _server.Parallel;

    private readonly EventLog _log = new(sink, clock ?? TimeProvider.System);

    private DatabaseUrl Server => settings.Database ?? throw new InvalidOperationException("A backup needs a database URL.");

    /// <summary>
    /// The databases the options select on the server, connecting as the URL's user to the maintenance database;
    /// a selection of none (a run for the globals) is the URL's own database.
    /// </summary>
    public async Task<IReadOnlyList<string>> SelectAsync(CancellationToken ct)
    {
        var selection = _server.Databases;
        if (selection.Names.Count == 0 && !selection.All) selection = selection with { Names = [Server.Database] };
        // the URL's own database need not exist: the server's maintenance database lists them all
        await using var admin = await DatabaseAdmin.ConnectMaintenanceAsync(Server, ct, "backup").ConfigureAwait(false);
        var databases = await selection.ResolveAsync(admin, ct).ConfigureAwait(false);
        _log.Info("run_start", ("databases", databases.ToArray()), ("globals", IncludeGlobals), ("parallel", Parallel));
        return databases;
    }

    /// <summary>
    /// Backs up each of <paramref name="selected"/> (or, on a dry run, plans it); calls <paramref name="done"/> as each ends.
    /// With <see cref="IncludeGlobals"/> the server's globals come first, as the outcome of <see cref="BackupKey.Globals"/>,
    /// backed up before any database starts: a database's backup is never older than the roles it needs.
    /// </summary>
    public async Task<ServerBackupResult> RunAsync(IReadOnlyList<string> selected, bool dryRun, Action<DatabaseBackupOutcome>? done, CancellationToken ct)
    {
        IReadOnlyList<string> databases = IncludeGlobals ? [BackupKey.Globals, .. selected] : selected;
        var stopwatch = Stopwatch.StartNew();
        // one ping for the run, not one per database
        var ping = !dryRun && settings.NotifyUrl is { } notify ? new Notify.RunPing(notify, _log, settings.NotifyTimeout) : null;
        ping?.Start();
        var outcomes = new DatabaseBackupOutcome[databases.Count];
        var first = IncludeGlobals ? 1 : 0;
        if (IncludeGlobals)
        {
            outcomes[0] = await BackUpAsync(BackupKind.Globals, BackupKey.Globals, dryRun, ct).ConfigureAwait(false);
            done?.Invoke(outcomes[0]);
        }
        await System.Threading.Tasks.Parallel.ForAsync(first, databases.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Parallel), CancellationToken = ct },
            async (i, token) =>
            {
                outcomes[i] = await BackUpAsync(BackupKind.Database, databases[i], dryRun, token).ConfigureAwait(false);
                done?.Invoke(outcomes[i]);
            }).ConfigureAwait(false);
        var result = new ServerBackupResult(outcomes, stopwatch.Elapsed);
        var fields = new (string, object?)[]
        {
            ("status", result.Failed == 0 ? "success" : "failed"), ("databases", databases.Count), ("failed", result.Failed),
            ("failed_databases", outcomes.Where(o => !o.Succeeded).Select(o => o.Subject).ToArray()), ("duration_seconds", Math.Round(stopwatch.Elapsed.TotalSeconds, 1)),
        };
        if (result.Failed == 0) _log.Info("run_finished", fields);
        else _log.Error("run_finished", fields);
        if (ping is not null)
        {
            if (result.Failed == 0) await ping.SucceededAsync().ConfigureAwait(false);
            else await ping.FailedAsync($"{result.Failed} of {databases.Count} databases failed: " +
                string.Join("; ", outcomes.Where(o => !o.Succeeded).Select(o => $"{o.Subject}: {o.Failure!.Message}"))).ConfigureAwait(false);
        }
        return result;
    }

    private async Task<DatabaseBackupOutcome> BackUpAsync(BackupKind kind, string database, bool dryRun, CancellationToken ct)
    {
        var globals = kind == BackupKind.Globals;
        var engine = new BackupEngine(options with
        {
            Settings = settings with { Database = globals ? Server : Server.WithDatabase(database), NotifyUrl = null },
            Kind = kind,
            Server = null,
        }, sink, clock)
        {
            OpenStore = OpenStore,
        };
        try
        {
            var plan = await engine.PlanAsync(ct, dryRun).ConfigureAwait(false);
            return new DatabaseBackupOutcome(database, dryRun ? engine.DescribeDryRun(plan) : await engine.ExecuteAsync(plan, ct).ConfigureAwait(false), null) { Kind = kind };
        }
        catch (ObsBackupException ex)
        {
            // logged by the engine (backup_finished failed); the other databases go on
            return new DatabaseBackupOutcome(database, null, ex) { Kind = kind };
        }
    }
}
