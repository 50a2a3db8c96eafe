using System.Collections.Concurrent;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// Collects the engine's events and progress from any thread; the cmdlet writes them out on the
/// pipeline thread, the only one PowerShell lets write.
/// </summary>
internal sealed class CmdletLog : IBackupLog
{
    private readonly BlockingCollection<object> _queue = new();

    public void Write(BackupEvent e) => _queue.Add(e);
    public void Progress(TransferProgress progress) => _queue.Add(progress);

    public bool TryTake(out object item, TimeSpan wait) => _queue.TryTake(out item!, wait);
}
