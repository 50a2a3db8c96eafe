using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Logging;

/// <summary>Stamps events with the time and hands them to the sink.</summary>
public sealed class EventLog(IBackupLog sink, TimeProvider clock)
{
    /// <summary>The run's clock: what its events are stamped with and what its listings judge a backup's name by.</summary>
    public TimeProvider Clock => clock;

    public void Info(string name, params (string Key, object? Value)[] fields) => Write(LogLevel.INFO, name, fields);
    public void Warning(string name, params (string Key, object? Value)[] fields) => Write(LogLevel.WARNING, name, fields);
    public void Error(string name, params (string Key, object? Value)[] fields) => Write(LogLevel.ERROR, name, fields);

    /// <summary>A setting that is missing (missing_required_env_var) or malformed, in a front end's words (see <see cref="ConfigurationException.MessageFor"/>).</summary>
    public void ConfigurationFailed(ConfigurationException error, Func<Setting, string> nameOf) =>
        Error(error.Missing ? "missing_required_env_var" : "invalid_configuration", ("variable", error.NameIn(nameOf)), ("error", error.MessageFor(nameOf)));

    /// <summary>The fields a failed run's *_finished line carries: the error, and its stable id ("Cancelled" for Ctrl+C or SIGTERM).</summary>
    public static (string Key, object? Value)[] FailureFields(Exception error) =>
    [
        ("error", error is OperationCanceledException ? "cancelled" : error.Message),
        ("error_id", (error as ObsBackupException)?.ErrorId ?? "Cancelled"),
    ];

    /// <summary>A retried store request (see Store/RetryingObjectStore).</summary>
    public void StorageRetry(int attempt, Exception error) => Warning("storage_retry", ("attempt", attempt), ("error", error.Message));

    /// <summary>
    /// The documented names (docs/MIGRATING.md) of fields we name otherwise: an event carrying one of
    /// ours carries the documented one beside it, so log queries and alerts built on them keep working.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ScriptFieldNames = new Dictionary<string, string>
    {
        ["database"] = "dbname",
        ["size"] = "size_bytes",
        ["path"] = "local_path",
        ["error"] = "detail",
        ["exit_code"] = "returncode",
    };

    private void Write(LogLevel level, string name, (string Key, object? Value)[] fields)
    {
        var all = new List<KeyValuePair<string, object?>>(fields.Length + 2);
        foreach (var (key, value) in fields) all.Add(new(key, value));
        foreach (var (key, value) in fields)
            if (ScriptFieldNames.TryGetValue(key, out var theirs) && !fields.Any(f => f.Key == theirs))
                all.Add(new(theirs, value));
        sink.Write(new BackupEvent(clock.GetUtcNow(), level, name, all));
    }
}
