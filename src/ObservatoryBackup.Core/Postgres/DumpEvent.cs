namespace ObservatoryBackup.Postgres;

/// <summary>What a piece of a plain dump is, as <see cref="PlainDumpReader"/> reads it.</summary>
public enum DumpEventKind
{
    /// <summary>A line outside COPY data: statement text, a comment, a blank line.</summary>
    Statement,

    /// <summary>pg_dump's header of an entry (<c>-- Name: …; Type: …</c>): the lines from here on belong to that entry.</summary>
    EntryHeader,

    /// <summary>pg_dump's own <c>\restrict KEY</c> or <c>\unrestrict KEY</c> line (any other meta-command is <see cref="PlainDumpReader.ForbiddenMetaCommand"/>).</summary>
    MetaCommand,

    /// <summary>The <c>COPY … FROM stdin;</c> line that opens a block of rows.</summary>
    CopyStart,

    /// <summary>Rows of the open COPY block as they stream: whole rows, or the part of one that a read held.</summary>
    CopyRows,

    /// <summary>The <c>\.</c> line that ends a block of rows.</summary>
    CopyEnd,

    /// <summary>pg_dump's (or pg_dumpall's) closing line, outside COPY data.</summary>
    CompletionMarker,

    /// <summary>A line after the closing line that starts as a backup's manifest does (<see cref="DumpManifest"/>).</summary>
    Manifest,
}

/// <summary>
/// One piece of a plain dump, in order: every byte of the dump is in exactly one event. A line
/// outside COPY data is one event, whole, with its newline; rows are a chunk of whole rows or the part
/// of a row that one read held, so that memory does not grow with a row.
/// </summary>
/// <param name="Bytes">The bytes, valid until the next read of the dump.</param>
/// <param name="AtStatement">The line starts a statement: outside COPY data, quotes, comments and any statement begun before it.</param>
/// <param name="Entry">The pg_dump entry the bytes belong to (the last header read); null before the first.</param>
/// <param name="Rows">For <see cref="DumpEventKind.CopyRows"/>, the rows it ends.</param>
/// <param name="Table">For <see cref="DumpEventKind.CopyStart"/>, the table the rows go to, as pg_dump names it.</param>
/// <param name="EndsStatement">After the line the next one starts a statement: a statement's lines run from one that is <paramref name="AtStatement"/> to one that ends it.</param>
public readonly record struct DumpEvent(DumpEventKind Kind, ReadOnlyMemory<byte> Bytes, bool AtStatement = false, DumpEntryHeader? Entry = null, int Rows = 0, string? Table = null,
    bool EndsStatement = false)
{
    /// <summary>The line without its newline (for a line event).</summary>
    public ReadOnlySpan<byte> Line => Bytes.Span.EndsWith("\n"u8) ? Bytes.Span[..^1] : Bytes.Span;
}
