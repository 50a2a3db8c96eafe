using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Cli;

/// <summary>The replaced scripts' log: one JSON object per line on stdout.</summary>
internal sealed class JsonLineLog(TextWriter output) : IBackupLog
{
    private readonly Lock _gate = new();

    public void Write(BackupEvent e)
    {
        lock (_gate)
        {
            output.WriteLine(e.ToJson());
            output.Flush();
        }
    }

    // stdout is for log lines only; a cron log has no use for progress bars
    public void Progress(TransferProgress progress) { }
}
