using System.Globalization;

namespace ObservatoryBackup.Configuration;

/// <summary>
/// Durations as people type them: 26h, 90m, 2d, 45s, or a .NET TimeSpan (1.02:00:00). One parser for
/// both faces, so that <c>-MaxAge 26h</c> and <c>--max-age 26h</c> take the same strings.
/// </summary>
public static class Durations
{
    public static TimeSpan? TryParse(string text)
    {
        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (char.ToLowerInvariant(text[^1]))
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
    }
}
