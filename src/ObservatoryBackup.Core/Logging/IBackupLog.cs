namespace ObservatoryBackup.Logging;

/// <summary>Where the engine sends its events and progress; each face decides how to show them.</summary>
public interface IBackupLog
{
    void Write(BackupEvent e);

    /// <summary>Bytes moved so far in a long step (dump/upload, download, restore).</summary>
    void Progress(TransferProgress progress);
}
