namespace ObservatoryBackup.Verify;

/// <summary>What a verified backup carries: its SQL's size, and the rows of each table's COPY block.</summary>
public sealed record DumpSummary(long SqlSize, IReadOnlyDictionary<string, long> RowsPerTable)
{
    public long Rows => RowsPerTable.Values.Sum();
}
