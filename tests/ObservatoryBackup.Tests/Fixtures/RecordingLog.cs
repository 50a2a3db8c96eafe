using System.Collections.Concurrent;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>Keeps every event the engine writes, to assert on the log users' parsers read.</summary>
public sealed class RecordingLog : IBackupLog
{
    private readonly ConcurrentQueue<BackupEvent> _events = new();
    public ConcurrentQueue<TransferProgress> ProgressReports { get; } = new();

    public IReadOnlyList<BackupEvent> Events => _events.ToList();
    public IEnumerable<string> Names => _events.Select(e => e.Name);

    /// <summary>Called with each event as it is written: a test's hook into a run at a named step.</summary>
    public Action<BackupEvent>? OnEvent { get; init; }

    public void Write(BackupEvent e)
    {
        _events.Enqueue(e);
        OnEvent?.Invoke(e);
    }
    public void Progress(TransferProgress progress) => ProgressReports.Enqueue(progress);

    public BackupEvent Single(string name) => Assert.Single(_events, e => e.Name == name);
    public string AllJson => string.Join("\n", _events.Select(e => e.ToJson()));
}
