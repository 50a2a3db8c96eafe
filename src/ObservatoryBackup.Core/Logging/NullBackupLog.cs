namespace ObservatoryBackup.Logging;

/// <summary>Discards everything.</summary>
public sealed class NullBackupLog : IBackupLog
{
    public static readonly NullBackupLog Instance = new();
    public void Write(BackupEvent e) { }
    public void Progress(TransferProgress progress) { }
}
