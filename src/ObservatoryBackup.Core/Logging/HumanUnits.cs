using System.Globalization;

namespace ObservatoryBackup.Logging;

/// <summary>
/// Sizes, rates and durations as people read them ("60.7 MiB", "12.3 MiB/s", "3 h 12 min", "0.38 s"),
/// for every view and message of both faces; the raw numbers stay in properties and JSON fields.
/// </summary>
public static class HumanUnits
{
    private static readonly string[] ByteUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>Binary units, one decimal from KiB on: "512 B", "1.0 KiB", "60.7 MiB".</summary>
    public static string Size(long bytes)
    {
        if (bytes < 0) return "-" + Size(bytes == long.MinValue ? long.MaxValue : -bytes);
        double value = bytes;
        var unit = 0;
        // 1023.96 KiB would print as "1024.0 KiB": move up before rounding does
        while (value >= 1023.95 && unit < ByteUnits.Length - 1) { value /= 1024; unit++; }
        return unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
            : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + ByteUnits[unit];
    }

    /// <summary>A transfer rate: "12.3 MiB/s".</summary>
    public static string Rate(double bytesPerSecond) =>
        Size(double.IsFinite(bytesPerSecond) && bytesPerSecond > 0 ? (long)Math.Min(bytesPerSecond, long.MaxValue) : 0) + "/s";

    /// <summary>
    /// A duration or age in its two largest units: "0.38 s", "45 s", "1 min 5 s", "3 h 12 min", "2 d 3 h".
    /// Under a minute it keeps what a second cannot show ("0.38 s", "12.5 s"); a negative span (a clock
    /// ahead of the store's) reads as zero.
    /// </summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        if (span < TimeSpan.FromMinutes(1))
        {
            var seconds = span.TotalSeconds;
            var format = seconds < 1 ? "0.##" : seconds < 10 ? "0.#" : "0";
            return Math.Round(seconds, seconds < 1 ? 2 : seconds < 10 ? 1 : 0).ToString(format, CultureInfo.InvariantCulture) + " s";
        }
        var whole = TimeSpan.FromSeconds(Math.Floor(span.TotalSeconds));
        if (whole < TimeSpan.FromHours(1)) return Pair((int)whole.TotalMinutes, "min", whole.Seconds, "s");
        if (whole < TimeSpan.FromDays(1)) return Pair((int)whole.TotalHours, "h", whole.Minutes, "min");
        return Pair((int)whole.TotalDays, "d", whole.Hours, "h");
    }

    private static string Pair(int major, string majorUnit, int minor, string minorUnit) =>
        minor == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit}")
            : string.Create(CultureInfo.InvariantCulture, $"{major} {majorUnit} {minor} {minorUnit}");
}
