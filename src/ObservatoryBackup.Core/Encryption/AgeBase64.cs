namespace ObservatoryBackup.Encryption;

/// <summary>age's base64: the standard alphabet without padding, and only the canonical encoding is accepted.</summary>
internal static class AgeBase64
{
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');

    /// <summary>The bytes <paramref name="text"/> encodes, or null when it is not canonical unpadded base64.</summary>
    public static byte[]? Decode(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/')) return null;
        if (text.Length % 4 == 1) return null;
        var padded = text.ToString() + new string('=', (4 - text.Length % 4) % 4);
        var bytes = Convert.FromBase64String(padded);
        // non-zero unused bits make another string for the same bytes: not canonical
        return Encode(bytes).AsSpan().SequenceEqual(text) ? bytes : null;
    }
}
