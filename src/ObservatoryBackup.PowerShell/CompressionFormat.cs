namespace ObservatoryBackup.PowerShell;

/// <summary>How Invoke-ObsBackup compresses (the cmdlets' own type, so that parameters are PowerShell-side types).</summary>
public enum CompressionFormat
{
    /// <summary>.sql.gz, which gunzip reads.</summary>
    Gzip,

    /// <summary>.sql.zst: faster and smaller; needs zstd (or this tool) to read.</summary>
    Zstd,
}
