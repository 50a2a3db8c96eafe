namespace ObservatoryBackup.Naming;

/// <summary>How a backup is compressed, which its name says: .sql.gz (the default, what the scripts wrote) or .sql.zst (opt-in).</summary>
public enum BackupCodec
{
    Gzip,
    Zstd,
}
