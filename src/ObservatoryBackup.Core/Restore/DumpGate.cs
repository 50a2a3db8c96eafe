using ObservatoryBackup.Streams;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Verify;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Where a dump's SQL passes into psql, line by line. Every line is read by a <see cref="DumpCheck"/>
/// first (so a restore verifies as it goes), and a line holding a forbidden psql meta-command is
/// refused before psql is given it. psql is first given <c>\restrict</c> with a key of our own, so
/// that psql itself refuses any meta-command that got past the check; the dump's own
/// <c>\restrict</c>/<c>\unrestrict</c> lines (checked to be exactly pg_dump's) are therefore left out.
/// With <c>noTablespaces</c> it leaves out the <c>SET default_tablespace = …;</c> lines with which pg_dump
/// puts objects in tablespaces (a server without them would refuse the objects), so every object lands
/// in the database's default tablespace.
/// With <c>noOwner</c> it also leaves ownership and privileges out:
/// the statement lines pg_dump writes for them (<c>ALTER … OWNER TO …;</c>, <c>GRANT …;</c>,
/// <c>REVOKE …;</c>, <c>ALTER DEFAULT PRIVILEGES …;</c>), each on a line of its own. Lines inside
/// COPY data, strings or comments are never dropped, so data that looks like a GRANT passes byte for byte.
/// </summary>
internal sealed class DumpGate : ReadOnlyStream
{
    private readonly Stream _sql;
    private readonly DumpCheck _check;
    private readonly bool _noOwner;
    private readonly bool _noTablespaces;
    private readonly byte[] _in = new byte[1 << 16];
    private readonly List<byte> _line = [];
    private readonly MemoryStream _out = new();
    private bool _ended;

    // Inside COPY data a line needs no holding back (nothing in it can be a meta-command or a statement
    // to leave out), so a row split across reads goes through as it comes: memory does not grow with a row.
    private bool _passingRow;

    /// <param name="restrictKey">psql's <c>\restrict</c> key for this load: letters and digits nobody else knows.</param>
    public DumpGate(Stream sql, DumpCheck check, bool noOwner, string restrictKey, bool noTablespaces = false)
    {
        (_sql, _check, _noOwner, _noTablespaces) = (sql, check, noOwner, noTablespaces);
        _out.Write(System.Text.Encoding.ASCII.GetBytes($"\\restrict {restrictKey}\n"));
        _out.Position = 0;
    }

    /// <summary>Statement lines left out so far (ownership, privileges, tablespaces).</summary>
    public long Dropped { get; private set; }

    /// <summary>Why the gate closed, when it did: psql then only saw what came before.</summary>
    public Exception? Failure { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        try
        {
            return await FillAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failure ??= ex;
            throw;
        }
    }

    private async ValueTask<int> FillAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (_out.Length - _out.Position == 0 && !_ended)
        {
            _out.SetLength(0);
            var n = await _sql.ReadAsync(_in, ct).ConfigureAwait(false);
            if (n == 0)
            {
                _ended = true;
                if (_line.Count > 0) Emit([.. _line], newline: false);
            }
            else
            {
                Split(_in.AsSpan(0, n));
            }
            _out.Position = 0;
        }
        return _out.Read(buffer.Span);
    }

    private void Split(ReadOnlySpan<byte> chunk)
    {
        int newline;
        while ((newline = chunk.IndexOf((byte)'\n')) >= 0)
        {
            try
            {
                if (_passingRow)
                {
                    PassThrough(chunk[..(newline + 1)]);
                    _passingRow = false;
                }
                else if (_line.Count == 0)
                {
                    Emit(chunk[..newline], newline: true);
                }
                else
                {
                    foreach (var b in chunk[..newline]) _line.Add(b);
                    Emit([.. _line], newline: true);
                    _line.Clear();
                }
            }
            catch (BackupDataException)
            {
                // the check still sees every byte in order, so that what follows can tell a damaged backup from a crafted one
                _check.Sql(chunk[(newline + 1)..]);
                throw;
            }
            chunk = chunk[(newline + 1)..];
        }
        if (chunk.IsEmpty) return;
        if (_passingRow || _line.Count == 0 && _check.Reader.InCopyDataEveryReading)
        {
            PassThrough(chunk);
            _passingRow = true;
            return;
        }
        foreach (var b in chunk) _line.Add(b);
    }

    /// <summary>Part of a COPY data row: checked in order, then given to psql at once.</summary>
    private void PassThrough(ReadOnlySpan<byte> part)
    {
        _check.Sql(part);
        _check.ThrowIfUnsafe();
        _out.Write(part);
    }

    private void Emit(ReadOnlySpan<byte> line, bool newline)
    {
        var drop = _check.Reader.AtStatement && (_noOwner && IsOwnershipStatement(line) || _noTablespaces && IsTablespaceStatement(line));
        _check.Sql(line);
        if (newline) _check.Sql("\n"u8);
        else _check.Reader.Complete(); // the last line, without a newline: psql runs it all the same
        _check.ThrowIfUnsafe();
        if (_check.Reader.LastLineWasOwnMetaCommand) return;
        if (drop)
        {
            Dropped++;
            return;
        }
        _out.Write(line);
        if (newline) _out.WriteByte((byte)'\n');
    }

    private static bool IsTablespaceStatement(ReadOnlySpan<byte> line) =>
        line.StartsWith("SET default_tablespace = "u8) && line.TrimEnd("\r"u8).EndsWith(";"u8);

    private static bool IsOwnershipStatement(ReadOnlySpan<byte> line) =>
        line.TrimEnd("\r"u8).EndsWith(";"u8) &&
        (line.StartsWith("GRANT "u8) || line.StartsWith("REVOKE "u8) || line.StartsWith("ALTER DEFAULT PRIVILEGES "u8) ||
         line.StartsWith("ALTER "u8) && line.IndexOf(" OWNER TO "u8) > 0);
}
