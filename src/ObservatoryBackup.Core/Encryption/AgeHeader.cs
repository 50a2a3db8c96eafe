using System.Security.Cryptography;
using System.Text;

namespace ObservatoryBackup.Encryption;

/// <summary>
/// The text header of an age v1 file: the version line, the recipient stanzas, and an HMAC over them
/// keyed by the file key. Written and read strictly by the specification (c2sp.org/age): LF line
/// ends, canonical unpadded base64, bodies wrapped at 64 columns.
/// </summary>
public sealed class AgeHeader
{
    private const string VersionLine = "age-encryption.org/v1";
    private const string VersionPrefix = "age-encryption.org/";

    /// <summary>
    /// A stanza of ours, with an empty body, that names one recipient the file was encrypted to: so
    /// that a restore with the wrong identity can say which key it needs. age ignores stanzas it does
    /// not know, so the reference tool reads these files as it reads any other.
    /// </summary>
    public const string RecipientHintType = "observatorybackup.org/recipient";

    /// <summary>The longest header read: far more than any number of recipients a backup has.</summary>
    public const int MaxLength = 1 << 20;

    private readonly byte[] _macInput;
    private readonly byte[] _mac;

    private AgeHeader(IReadOnlyList<AgeStanza> stanzas, byte[] macInput, byte[] mac) =>
        (Stanzas, _macInput, _mac) = (stanzas, macInput, mac);

    public IReadOnlyList<AgeStanza> Stanzas { get; }

    /// <summary>The recipients the header names in its <see cref="RecipientHintType"/> stanzas (not proven: for messages).</summary>
    public IReadOnlyList<string> NamedRecipients =>
        [.. Stanzas.Where(s => s.Type == RecipientHintType && s.Arguments.Count == 1).Select(s => s.Arguments[0])];

    /// <summary>The header for <paramref name="recipients"/>, each wrapping <paramref name="fileKey"/>, with its MAC.</summary>
    internal static byte[] Write(ReadOnlySpan<byte> fileKey, IReadOnlyList<AgeRecipient> recipients)
    {
        var sb = new StringBuilder(VersionLine).Append('\n');
        foreach (var recipient in recipients)
        {
            AppendStanza(sb, recipient.Wrap(fileKey));
            AppendStanza(sb, new AgeStanza(RecipientHintType, [recipient.ToString()], []));
        }
        sb.Append("---");
        var macInput = Encoding.ASCII.GetBytes(sb.ToString());
        sb.Append(' ').Append(AgeBase64.Encode(Mac(fileKey, macInput))).Append('\n');
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static void AppendStanza(StringBuilder sb, AgeStanza stanza)
    {
        sb.Append("-> ").Append(stanza.Type);
        foreach (var argument in stanza.Arguments) sb.Append(' ').Append(argument);
        sb.Append('\n');
        var body = AgeBase64.Encode(stanza.Body);
        for (var at = 0; ; at += 64)
        {
            var line = body.AsSpan(at, Math.Min(64, body.Length - at));
            sb.Append(line).Append('\n');
            if (line.Length < 64) break;
        }
    }

    private static byte[] Mac(ReadOnlySpan<byte> fileKey, byte[] macInput)
    {
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey.ToArray(), 32, [], "header"u8.ToArray());
        return HMACSHA256.HashData(key, macInput);
    }

    /// <summary>
    /// The file key, unwrapped by the first of <paramref name="identities"/> that opens a stanza, with
    /// the header's MAC checked against it.
    /// </summary>
    public byte[] Unwrap(IReadOnlyList<AgeIdentity> identities)
    {
        if (Stanzas.Any(s => s.Type == "scrypt"))
            throw new AgeException(AgeFailure.Unsupported, "the file is encrypted with a passphrase (scrypt), which is not supported; only X25519 recipients are");
        foreach (var identity in identities)
        {
            foreach (var stanza in Stanzas)
            {
                if (identity.Unwrap(stanza) is not { } fileKey) continue;
                if (!CryptographicOperations.FixedTimeEquals(Mac(fileKey, _macInput), _mac))
                    throw new AgeException(AgeFailure.Header, "the header's MAC does not match: the header was changed");
                return fileKey;
            }
        }
        var named = NamedRecipients;
        throw new AgeException(AgeFailure.NoMatch,
            $"none of the {identities.Count} identities given ({string.Join(", ", identities.Select(i => i.Recipient))}) opens the file, which was encrypted to " +
            (named.Count > 0 ? string.Join(", ", named) : $"{Stanzas.Count(s => s.Type == AgeRecipient.StanzaType)} X25519 recipients it does not name"))
        {
            Recipients = named,
        };
    }

    /// <summary>
    /// Reads a header from the start of <paramref name="input"/>. Returns it with the bytes read past
    /// it (the start of the payload).
    /// </summary>
    public static async ValueTask<(AgeHeader Header, byte[] PayloadStart)> ReadAsync(Stream input, bool useAsync, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var filled = 0;
        var end = -1;
        while (end < 0)
        {
            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxLength) throw Bad($"it is longer than {MaxLength / 1024} KiB without its closing MAC line");
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var n = useAsync
                ? await input.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false)
                : input.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
                throw Bad(filled >= VersionPrefix.Length ? "it ends before the header's closing MAC line" : "it does not begin with age's version line");
            var scanFrom = Math.Max(0, filled - 1);
            filled += n;
            if (buffer.AsSpan(0, filled).TrimStart(" \t\r\n"u8).StartsWith("-----BEGIN"u8))
                throw new AgeException(AgeFailure.Unsupported, "the file is ASCII-armored (age -a), which is not supported; backups are binary age files");
            if (!buffer.AsSpan(0, Math.Min(filled, VersionPrefix.Length)).SequenceEqual(Encoding.ASCII.GetBytes(VersionPrefix).AsSpan(0, Math.Min(filled, VersionPrefix.Length))))
                throw Bad("it does not begin with age's version line");
            end = FindEnd(buffer.AsSpan(0, filled), scanFrom);
        }
        var header = Parse(buffer.AsSpan(0, end));
        return (header, buffer[end..filled]);
    }

    /// <summary>The length of the header in <paramref name="data"/> (through the LF of its "---" line), or -1 while it is not all there.</summary>
    private static int FindEnd(ReadOnlySpan<byte> data, int scanFrom)
    {
        // the MAC line is the first line that starts with "---"; look back to the start of the line we may be in
        var lineStart = data[..scanFrom].LastIndexOf((byte)'\n') + 1;
        for (var i = lineStart; i < data.Length;)
        {
            var lf = data[i..].IndexOf((byte)'\n');
            if (lf < 0) return -1;
            if (data[i..].StartsWith("---"u8)) return i + lf + 1;
            i += lf + 1;
        }
        return -1;
    }

    private static AgeHeader Parse(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
            if (b is not ((>= 0x20 and <= 0x7e) or (byte)'\n'))
                throw Bad("it holds a character that is not printable ASCII (a CR, a tab, or binary)");
        var text = Encoding.ASCII.GetString(bytes);
        var lines = text[..^1].Split('\n');
        if (lines[0] != VersionLine)
            throw Bad(lines[0].StartsWith(VersionPrefix, StringComparison.Ordinal)
                ? $"its version '{lines[0][VersionPrefix.Length..]}' is not v1"
                : "it does not begin with age's version line");
        var stanzas = new List<AgeStanza>();
        var i = 1;
        while (i < lines.Length - 1)
        {
            var argLine = lines[i++];
            if (!argLine.StartsWith("-> ", StringComparison.Ordinal)) throw Bad($"line {i} starts neither a stanza ('-> ') nor the MAC ('--- ')");
            var arguments = argLine[3..].Split(' ');
            if (arguments.Any(a => a.Length == 0)) throw Bad($"the stanza on line {i} has an empty argument");
            var body = new StringBuilder();
            while (true)
            {
                if (i >= lines.Length - 1) throw Bad($"the stanza on line {i} has no final body line (shorter than 64 columns)");
                var line = lines[i++];
                if (line.Length > 64) throw Bad($"line {i} of a stanza's body is longer than 64 columns");
                body.Append(line);
                if (line.Length < 64) break;
            }
            var decoded = AgeBase64.Decode(body.ToString()) ?? throw Bad($"the body of the stanza ending on line {i} is not canonical unpadded base64");
            stanzas.Add(new AgeStanza(arguments[0], arguments[1..], decoded));
        }
        if (stanzas.Count == 0) throw Bad("it has no recipient stanza");
        var macLine = lines[^1];
        if (!macLine.StartsWith("--- ", StringComparison.Ordinal) || macLine.Length != 4 + 43 || AgeBase64.Decode(macLine.AsSpan(4)) is not { Length: 32 } mac)
            throw Bad("its MAC line is not '--- ' and the canonical base64 of 32 bytes");
        var macInput = bytes[..(bytes.Length - macLine.Length - 1 + 3)].ToArray();
        return new AgeHeader(stanzas, macInput, mac);
    }

    private static AgeException Bad(string why) => new(AgeFailure.Header, $"not a valid age v1 header: {why}");
}
