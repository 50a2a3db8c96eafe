namespace ObservatoryBackup.Credentials;

/// <summary>URL-safe base64 with or without '=' padding, as Fernet keys and tokens are written.</summary>
internal static class FernetBase64
{
    public static byte[]? TryDecode(string text)
    {
        if (text.AsSpan().IndexOfAny('+', '/') >= 0) return null; // only the url-safe alphabet
        var s = text.Replace('-', '+').Replace('_', '/');
        switch (s.Length % 4)
        {
            case 2: s += "=="; break;
            case 3: s += "="; break;
            case 1: return null;
        }
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
}
