using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>
/// The stage of a load that passes on only the part of a dump a restore asked for (<see cref="RestorePart"/>),
/// entry by entry, by pg_dump's entry headers (<see cref="DumpEntryHeader"/>): a selected table with its
/// sequences (identity, owned by it, or named by its defaults' <c>nextval</c>), indexes, constraints,
/// triggers, rules, policies, row security, statistics, comments and grants, and the schema it is in; a
/// selected schema with everything in it. A foreign key passes only when the table it references passes
/// too (pg_restore's <c>-t</c> leaves such keys out as well); anything else a selected object needs (a
/// function, a type of another schema) is not brought along, as with pg_dump's <c>-t</c> and <c>-n</c>,
/// and fails the load. The dump's extensions always pass (with their comments and the schemas they are created
/// in): a part goes only into a database that does not exist yet, where nobody can have created them first.
/// Where the header alone does not say whose an entry is, its first statement does
/// (<see cref="StatementNames"/>): the entry is held until that statement is read. A sequence or schema
/// nobody has claimed yet is held until a selected table claims it, or to the end.
/// Every event is still read, and checked (<see cref="DumpReading"/>: the whole object is verified, not
/// the part); what passes still goes through the gate's containment. Session settings (<c>SET …;</c>)
/// always pass. Memory: the entries held, at most <see cref="MaxHeldBytes"/>.
/// </summary>
internal sealed class PartFilter(DumpReading reading, RestorePart part, Action<DumpEvent>? screen = null) : IDumpEvents
{
    /// <summary>More than this held at once (sequences and schemas not yet claimed, an entry whose first statement is not read) makes the part refused.</summary>
    public const long MaxHeldBytes = 64L << 20;

    private enum Fate { Pass, Drop, Hold, Pending }

    private readonly record struct Key(string Schema, string Type, string Name);

    private readonly Queue<DumpEvent> _out = new();
    private readonly HashSet<Key> _passed = [];
    private readonly HashSet<(string, string)> _relations = [];
    private readonly Dictionary<Key, List<DumpEvent>> _held = [];
    private readonly List<DumpEvent> _pending = [];
    private readonly bool[] _tableMatched = new bool[part.Tables.Count];
    private readonly bool[] _schemaMatched = new bool[part.Schemas.Count];
    private readonly HashSet<string> _copied = new(StringComparer.Ordinal);
    private readonly List<string> _partitionsLeftOut = [];
    private readonly HashSet<(string, string)> _detached = [];
    private long _heldBytes;
    private Fate _fate = Fate.Pass;
    private DumpEntryHeader? _entry;
    private List<DumpEvent>? _holdInto;
    private bool _ended;
    private bool _started;

    /// <summary>The tables whose COPY blocks passed, as pg_dump names them (<see cref="DumpSummary.RowsPerTable"/>'s keys): what the load is proven against.</summary>
    public IReadOnlySet<string> Copied => _copied;

    /// <summary>The partitions (schema.name, unquoted) of a selected partitioned table that no name selected: left out, with their rows, as pg_dump's <c>-t</c> leaves them out.</summary>
    public IReadOnlyList<string> PartitionsLeftOut => _partitionsLeftOut;

    /// <summary>The patterns that matched nothing in the dump (read to its end).</summary>
    public IReadOnlyList<string> Unmatched =>
        [.. part.Tables.Where((_, i) => !_tableMatched[i]).Select(p => p.Text), .. part.Schemas.Where((_, i) => !_schemaMatched[i]).Select(p => p.Text)];

    public bool HasBuffered => _out.Count > 0 || reading.HasBuffered;

    public async ValueTask<DumpEvent?> NextAsync(CancellationToken ct)
    {
        while (_out.Count == 0)
        {
            if (_ended) return null;
            if (await reading.NextAsync(ct).ConfigureAwait(false) is not { } e)
            {
                _ended = true;
                if (_fate == Fate.Pending) Decide(null);
                foreach (var never in _held.Values.SelectMany(h => h)) Screen(never);
                _held.Clear();
                continue;
            }
            reading.Check.ThrowIfUnsafe();
            if (Route(e)) return Passed(e);
        }
        return Passed(_out.Dequeue());
    }

    private DumpEvent Passed(DumpEvent e)
    {
        if (e.Kind == DumpEventKind.CopyStart && e.Table is { } table) _copied.Add(table);
        return e;
    }

    /// <summary>Where an event goes; true when it passes as it is, now (the caller returns it, or queues it behind what is queued).</summary>
    private bool Route(in DumpEvent e)
    {
        if (e.Kind == DumpEventKind.EntryHeader)
        {
            if (_fate == Fate.Pending) Decide(null);
            Begin(e.Entry);
        }
        if (e.Entry is null || e.Kind is DumpEventKind.CompletionMarker or DumpEventKind.Manifest or DumpEventKind.MetaCommand || _fate == Fate.Pass
            || IsSetting(e) && _fate != Fate.Pending)
            return Emit(e);
        switch (_fate)
        {
            case Fate.Hold:
                Keep(_holdInto!, e);
                return false;
            case Fate.Pending:
                Keep(_pending, e);
                _started |= StartsStatement(e);
                if (e.Kind is DumpEventKind.CopyStart or DumpEventKind.CopyRows or DumpEventKind.CopyEnd || e.Kind == DumpEventKind.Statement && e.EndsStatement && _started)
                    Decide(StatementText());
                return false;
            default:
                Screen(e);
                return false;
        }
    }

    /// <summary>Passes a live event: returned now, or queued (copied) behind events released before it.</summary>
    private bool Emit(in DumpEvent e)
    {
        if (_out.Count == 0) return true;
        _out.Enqueue(Copy(e));
        return false;
    }

    private static bool IsSetting(in DumpEvent e) => e.Kind == DumpEventKind.Statement && e.AtStatement && e.EndsStatement && SessionSetting.IsOne(e.Line);

    private void Keep(List<DumpEvent> into, in DumpEvent e)
    {
        if ((_heldBytes += e.Bytes.Length) > MaxHeldBytes)
            throw new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupUnsafe, reading.Check.ObjectName,
                $"Restoring part of backup '{reading.Check.ObjectName}' would hold more than {MaxHeldBytes >> 20} MiB of entries whose table is not known yet " +
                "(sequences and schemas no selected table has claimed, or an entry whose first statement is that long). Restore the whole backup instead.");
        into.Add(Copy(e));
    }

    private static DumpEvent Copy(in DumpEvent e) => e with { Bytes = e.Bytes.ToArray() };

    private void Screen(in DumpEvent e)
    {
        if (e.Kind == DumpEventKind.Statement && e.AtStatement) screen?.Invoke(e);
    }

    /// <summary>Whether the line starts a statement (not a comment, not blank): from it on, the entry's first statement is read.</summary>
    private static bool StartsStatement(in DumpEvent e) =>
        e.Kind is DumpEventKind.Statement or DumpEventKind.CopyStart && e.AtStatement && !e.Line.StartsWith("--"u8) && !e.Line.TrimEnd("\r"u8).IsEmpty;

    private string StatementText()
    {
        var text = new StringBuilder();
        var started = false;
        foreach (var p in _pending)
        {
            started |= StartsStatement(p);
            if (started && p.Kind is DumpEventKind.Statement or DumpEventKind.CopyStart) text.Append(Encoding.UTF8.GetString(p.Bytes.Span));
        }
        return text.ToString();
    }

    /// <summary>An entry's fate from its header, when the header says; <see cref="Fate.Pending"/> when its first statement must.</summary>
    private void Begin(DumpEntryHeader? entry)
    {
        _entry = entry;
        _holdInto = null;
        _pending.Clear();
        _started = false;
        if (entry is null)
        {
            _fate = Fate.Pass;
            return;
        }
        var (schema, type, name) = (entry.Schema ?? "-", entry.Type, entry.Name);
        var inSchema = schema != "-" && Selects(schema);
        switch (type)
        {
            case "SCHEMA":
                if (Selects(name)) Pass();
                else Hold(new Key("-", type, name));
                return;
            case "TABLE" or "VIEW" or "MATERIALIZED VIEW" or "FOREIGN TABLE":
                _fate = inSchema | SelectsTable(schema, name) ? Fate.Pending : Fate.Drop;
                return;
            case "SEQUENCE":
                if (inSchema | SelectsTable(schema, name)) PassRelation();
                else _fate = Fate.Pending;
                return;
            case "TABLE DATA" or "MATERIALIZED VIEW DATA" or "SEQUENCE SET":
                _fate = _relations.Contains((schema, name)) ? Fate.Pass : Fate.Drop;
                return;
            case "COMMENT" or "ACL" or "SECURITY LABEL":
                OfObject(schema, name, inSchema);
                return;
            case "SEQUENCE OWNED BY" or "DEFAULT" or "INDEX" or "CONSTRAINT" or "CHECK CONSTRAINT" or "FK CONSTRAINT" or "TRIGGER" or "POLICY" or "RULE"
                or "ROW SECURITY" or "STATISTICS" or "TABLE ATTACH" or "INDEX ATTACH" or "EXTENSION":
                _fate = Fate.Pending;
                return;
            case "PUBLICATION TABLE" or "PUBLICATION TABLES IN SCHEMA" or "BLOBS" or "BLOB" or "LARGE OBJECT":
                _fate = Fate.Drop;
                return;
            default:
                if (inSchema) Pass();
                else _fate = Fate.Drop;
                return;
        }
    }

    private bool Selects(string schema)
    {
        var any = false;
        for (var i = 0; i < part.Schemas.Count; i++)
            if (part.Schemas[i].MatchesSchema(schema)) any = _schemaMatched[i] = true;
        return any;
    }

    private bool SelectsTable(string schema, string name)
    {
        var any = false;
        for (var i = 0; i < part.Tables.Count; i++)
            if (part.Tables[i].Matches(schema, name)) any = _tableMatched[i] = true;
        return any;
    }

    /// <summary>A comment, grant or label passes with its object, is held with it, or is left out with it: its name is the object's kind and name.</summary>
    private void OfObject(string schema, string tag, bool inSchema)
    {
        for (var space = tag.IndexOf(' '); space > 0; space = tag.IndexOf(' ', space + 1))
        {
            var (kind, rest) = (tag[..space], tag[(space + 1)..]);
            foreach (var key in Candidates(schema, kind, rest))
            {
                if (_passed.Contains(key))
                {
                    _fate = Fate.Pass;
                    return;
                }
                if (_held.TryGetValue(key, out var held))
                {
                    (_fate, _holdInto) = (Fate.Hold, held);
                    return;
                }
            }
        }
        // a routine's tag names its arguments (FUNCTION f(t text)), its entry only their types (f(text)); a selected schema's routines all pass
        _fate = inSchema && tag.Split(' ')[0] is "FUNCTION" or "PROCEDURE" or "AGGREGATE" ? Fate.Pass : Fate.Drop;
    }

    /// <summary>The entries a comment's or grant's tag (<c>TABLE t</c>, <c>COLUMN t.c</c>, <c>CONSTRAINT c ON t</c>, <c>FUNCTION f(integer)</c>, …) can be about.</summary>
    private static IEnumerable<Key> Candidates(string schema, string kind, string rest)
    {
        yield return new Key(schema, kind, rest);
        // a grant names a view, materialized view or foreign table as a TABLE
        if (kind == "TABLE")
            foreach (var relation in Relations)
                yield return new Key(schema, relation, rest);
        if (kind == "COLUMN")
            for (var dot = rest.IndexOf('.'); dot > 0; dot = rest.IndexOf('.', dot + 1))
                foreach (var relation in (string[])["TABLE", .. Relations])
                    yield return new Key(schema, relation, rest[..dot]);
        if (kind is "CONSTRAINT" or "TRIGGER" or "POLICY" or "RULE")
            for (var on = rest.IndexOf(" ON ", StringComparison.Ordinal); on > 0; on = rest.IndexOf(" ON ", on + 1, StringComparison.Ordinal))
                yield return new Key(schema, kind, rest[(on + 4)..] + " " + rest[..on]);
    }

    /// <summary>The fate of an entry held for its first statement (null: it has none), and its events released or dropped.</summary>
    private void Decide(string? sql)
    {
        var entry = _entry!;
        var (schema, type, name) = (entry.Schema ?? "-", entry.Type, entry.Name);
        var pass = false;
        Key? hold = null;
        if (sql is not null)
        {
            switch (type)
            {
                case "TABLE" or "VIEW" or "MATERIALIZED VIEW" or "FOREIGN TABLE":
                    pass = true;
                    Claim("-", "SCHEMA", schema);
                    foreach (var (s, n) in StatementNames.NextvalSequences(sql)) Claim(s, "SEQUENCE", n);
                    break;
                case "SEQUENCE":
                    // an identity column's sequence is its table's; any other waits for a table to claim it
                    if (StatementNames.After(sql, "ALTER", "TABLE") is { } identityOf) pass = _relations.Contains(identityOf);
                    else hold = new Key(schema, type, name);
                    break;
                case "SEQUENCE OWNED BY":
                    pass = StatementNames.After(sql, "OWNED", "BY") is { } owner && _relations.Contains(owner) && Claim(schema, "SEQUENCE", name);
                    break;
                case "DEFAULT":
                    pass = StatementNames.After(sql, "ALTER", "TABLE") is { } table && _relations.Contains(table);
                    if (pass) foreach (var (s, n) in StatementNames.NextvalSequences(sql)) Claim(s, "SEQUENCE", n);
                    break;
                case "FK CONSTRAINT":
                    pass = Has(StatementNames.After(sql, "ALTER", "TABLE")) && Has(StatementNames.After(sql, "REFERENCES"));
                    break;
                case "TABLE ATTACH":
                    var (parent, partition) = (StatementNames.After(sql, "ALTER", "TABLE"), StatementNames.After(sql, "ATTACH", "PARTITION"));
                    pass = Has(parent) && Has(partition);
                    if (Has(parent) && !pass && partition is { } p) _partitionsLeftOut.Add($"{p.Schema}.{p.Name}");
                    if (Has(partition) && !pass) _detached.Add(partition!.Value);
                    break;
                case "INDEX ATTACH":
                    pass = Has(StatementNames.After(sql, "ALTER", "INDEX")) && Has(StatementNames.After(sql, "ATTACH", "PARTITION"));
                    break;
                case "INDEX" or "POLICY":
                    pass = Has(StatementNames.After(sql, "ON"));
                    break;
                case "TRIGGER" when Starts(sql, "ALTER TABLE "): // the state of a partition's copy of its parent's trigger, which a partition restored alone has not
                    pass = StatementNames.After(sql, "ALTER", "TABLE") is { } detachable && _relations.Contains(detachable) && !_detached.Contains(detachable);
                    break;
                case "TRIGGER":
                    pass = Has(StatementNames.After(sql, "ON"));
                    break;
                case "RULE": // a view whose query needed what comes after it (a key its GROUP BY relies on) is made whole by its _RETURN rule
                    pass = Has(Starts(sql, "CREATE OR REPLACE VIEW ") ? StatementNames.After(sql, "VIEW") : StatementNames.After(sql, "TO"));
                    break;
                case "CHECK CONSTRAINT" when Starts(sql, "ALTER DOMAIN "): // a domain's constraint pg_dump writes apart (NOT VALID, or needed what came after)
                    pass = StatementNames.After(sql, "ALTER", "DOMAIN") is { } domain && _passed.Contains(new Key(domain.Schema, "DOMAIN", domain.Name));
                    break;
                case "STATISTICS":
                    pass = Has(StatementNames.After(sql, "FROM"));
                    break;
                case "EXTENSION":
                    pass = true;
                    if (StatementNames.NameAfter(sql, "WITH", "SCHEMA") is { } home) Claim("-", "SCHEMA", home);
                    break;
                default: // constraints, row security
                    pass = Has(StatementNames.After(sql, "ALTER", "TABLE"));
                    // a primary key's, unique or exclusion constraint's index: a partition's is attached to its parent's by the constraint's name
                    if (pass && type == "CONSTRAINT" && StatementNames.NameAfter(sql, "ADD", "CONSTRAINT") is { } index) _relations.Add((schema, index));
                    break;
            }
        }
        var events = _pending.ToList();
        _pending.Clear();
        _heldBytes -= events.Sum(e => (long)e.Bytes.Length);
        if (pass)
        {
            Pass();
            if (type is "TABLE" or "VIEW" or "MATERIALIZED VIEW" or "FOREIGN TABLE" or "SEQUENCE" or "INDEX") _relations.Add((schema, name));
            foreach (var e in events) _out.Enqueue(e);
        }
        else if (hold is { } key)
        {
            Hold(key);
            foreach (var e in events) Keep(_holdInto!, e);
        }
        else
        {
            _fate = Fate.Drop;
            foreach (var e in events)
                if (IsSetting(e)) _out.Enqueue(e);
                else Screen(e);
        }
    }

    private static bool Starts(string sql, string words) => sql.TrimStart().StartsWith(words, StringComparison.Ordinal);

    private bool Has((string, string)? relation) => relation is { } r && _relations.Contains(r);

    private void Pass()
    {
        _fate = Fate.Pass;
        _passed.Add(new Key(_entry!.Schema ?? "-", NormalType(_entry.Type), _entry.Name));
    }

    private void PassRelation()
    {
        Pass();
        _relations.Add((_entry!.Schema ?? "-", _entry.Name));
        Claim("-", "SCHEMA", _entry.Schema ?? "-");
    }

    private void Hold(Key key)
    {
        _fate = Fate.Hold;
        if (!_held.TryGetValue(key, out _holdInto)) _held[key] = _holdInto = [];
    }

    /// <summary>Releases a held sequence or schema ahead of what claims it; true when it is (or was) passed.</summary>
    private bool Claim(string schema, string type, string name)
    {
        var key = new Key(schema, type, name);
        if (_held.Remove(key, out var held))
        {
            _heldBytes -= held.Sum(e => (long)e.Bytes.Length);
            foreach (var e in held) _out.Enqueue(e);
            _passed.Add(key);
            if (type == "SEQUENCE") _relations.Add((schema, name));
        }
        return _passed.Contains(key);
    }

    private static readonly string[] Relations = ["VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"];

    // a comment names a foreign key as a constraint
    private static string NormalType(string type) => type is "FK CONSTRAINT" or "CHECK CONSTRAINT" ? "CONSTRAINT" : type;
}
