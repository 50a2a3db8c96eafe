using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Cli;

/// <summary>The log: one JSON object per line on stdout, in the format log parsers read (docs/MIGRATING.md).</summary>
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
