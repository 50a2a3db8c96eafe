namespace ObservatoryBackup.Store;

/// <summary>
/// How big each part of a streamed multipart upload is. S3 allows 10,000 parts of 5 MiB to 5 GiB:
/// parts start at 8 MiB (memory stays small for ordinary databases) and double every 800 parts up
/// to 1 GiB, so an upload of unknown length can reach S3's 5 TiB object limit.
/// </summary>
public static class PartSizes
{
    public const int MaxParts = 10_000;
    public const int FirstPartSize = 8 << 20;
    public const int LargestPartSize = 1 << 30;
    private const int PartsPerDoubling = 800;

    /// <summary>The size of part <paramref name="partNumber"/> (1-based).</summary>
    public static int For(int partNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partNumber, MaxParts);
        var doublings = (partNumber - 1) / PartsPerDoubling;
        return doublings >= 6 ? LargestPartSize : FirstPartSize << doublings;
    }

    /// <summary>The most an upload can hold: every part full.</summary>
    public static long MaxObjectSize => Enumerable.Range(1, MaxParts).Sum(n => (long)For(n));
}

/// <summary>
/// How an upload is cut into parts: S3's (<see cref="PartSizes"/>) for every real store; a test can
/// give a smaller one to reach the part limit with little data.
/// </summary>
/// <param name="SizeOf">The size of part N (1-based).</param>
internal sealed record PartPlan(Func<int, int> SizeOf, int MaxParts)
{
    public static readonly PartPlan S3 = new(PartSizes.For, PartSizes.MaxParts);

    public long MaxObjectSize => Enumerable.Range(1, MaxParts).Sum(n => (long)SizeOf(n));
}
