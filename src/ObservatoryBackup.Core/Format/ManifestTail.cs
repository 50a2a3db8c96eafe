using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Format;

/// <summary>
/// The last line of a backup's SQL, read as it streams past without parsing the SQL: where the manifest
/// travels (<see cref="DumpManifest"/>). Compression has no index, so the whole stream is decompressed
/// (and decrypted) to reach it; only the line being read is kept, and a line longer than a manifest can
/// be is not. Nothing here proves the manifest true: that takes a verification pass (<see cref="DumpCheck"/>).
/// </summary>
internal sealed class ManifestTail
{
    private readonly List<byte> _current = [];
    private bool _currentTooLong;
    private byte[]? _last;

    /// <summary>The SQL's next bytes.</summary>
    public void Add(ReadOnlySpan<byte> chunk)
    {
        var lastNewline = chunk.LastIndexOf((byte)'\n');
        if (lastNewline < 0)
        {
            Append(chunk);
            return;
        }
        var before = chunk[..lastNewline];
        var previous = before.LastIndexOf((byte)'\n');
        if (previous >= 0)
        {
            _current.Clear();
            _currentTooLong = false;
            Append(before[(previous + 1)..]);
        }
        else
        {
            Append(before);
        }
        EndLine();
        Append(chunk[(lastNewline + 1)..]);
    }

    /// <summary>The manifest the last line holds, when it starts as one; null when it does not (no manifest), with <paramref name="why"/> when it starts as one but cannot be read.</summary>
    public DumpManifest? Manifest(out string? why)
    {
        why = null;
        if (_current.Count > 0 || _currentTooLong) EndLine(); // a last line without its newline
        if (_last is null || !DumpManifest.IsManifestLine(_last)) return null;
        var manifest = DumpManifest.TryParse(_last, out var reason);
        if (manifest is null) why = reason;
        return manifest;
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        if (_currentTooLong) return;
        if (_current.Count + part.Length > DumpManifest.MaxLineLength)
        {
            _currentTooLong = true;
            _current.Clear();
            _current.Capacity = 0;
            return;
        }
        _current.AddRange(part);
    }

    private void EndLine()
    {
        _last = _currentTooLong ? null : [.. _current];
        _current.Clear();
        _currentTooLong = false;
    }
}
