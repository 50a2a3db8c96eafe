using System.Text;

namespace ObservatoryBackup.Signing;

/// <summary>
/// The line format shared by minisign's keys and signatures: comment lines and base64 lines (standard
/// alphabet, padded), each ended by a newline (a carriage return before it is dropped, as minisign does).
/// Lines are bounded as minisign's own buffers bound them.
/// </summary>
internal static class MinisignText
{
    public const string UntrustedPrefix = "untrusted comment: ";
    public const string TrustedPrefix = "trusted comment: ";

    /// <summary>The longest untrusted comment line minisign reads (its 1024-byte buffer, less the newline and NUL).</summary>
    public const int MaxCommentLine = 1022;

    /// <summary>The longest trusted comment, without its prefix (minisign's 8192-byte buffer, less prefix, newline, NUL).</summary>
    public const int MaxTrustedComment = 8192 - 17 - 2;

    /// <summary>The lines of <paramref name="text"/>; the last one may lack its newline, and empty lines at the end are dropped.</summary>
    public static List<byte[]> Lines(ReadOnlySpan<byte> text)
    {
        var lines = new List<byte[]>();
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            var line = end < 0 ? text : text[..end];
            if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
            lines.Add(line.ToArray());
            text = end < 0 ? [] : text[(end + 1)..];
        }
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    /// <summary>The bytes a base64 line holds, which must be exactly <paramref name="length"/>; null otherwise.</summary>
    public static byte[]? Base64(ReadOnlySpan<byte> line, int length)
    {
        if (line.Length != (length + 2) / 3 * 4) return null;
        foreach (var b in line)
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'+' or (byte)'/' or (byte)'=')) return null;
        var text = Encoding.ASCII.GetString(line);
        var bytes = new byte[length];
        // only the canonical encoding: unused bits set would be a second text for the same bytes
        return Convert.TryFromBase64String(text, bytes, out var written) && written == length && Convert.ToBase64String(bytes) == text
            ? bytes
            : null;
    }

    /// <summary>
    /// A comment as minisign 0.12 accepts it: UTF-8 with no control character but tab (so no line break,
    /// and nothing a terminal or a log would act on).
    /// </summary>
    public static string? Printable(ReadOnlySpan<byte> bytes)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        foreach (var c in text)
            if (c != '\t' && char.IsControl(c)) return null;
        return text;
    }

    /// <summary>Checks a comment we are about to write; <paramref name="what"/> names it in the error.</summary>
    public static byte[] CommentBytes(string comment, int maxBytes, string what)
    {
        var bytes = Encoding.UTF8.GetBytes(comment);
        if (Printable(bytes) is null)
            throw new ArgumentException($"the {what} must be UTF-8 text without line breaks or control characters (tabs are allowed)");
        if (bytes.Length > maxBytes)
            throw new ArgumentException($"the {what} is {bytes.Length} bytes; minisign reads at most {maxBytes}");
        return bytes;
    }

    public static string Line(string prefix, ReadOnlySpan<byte> data) => prefix + Convert.ToBase64String(data) + "\n";
}
