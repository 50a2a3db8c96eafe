namespace ObservatoryBackup.Postgres;

/// <summary>
/// A session setting as pg_dump writes one between a dump's entries (<c>SET default_tablespace = '';</c>):
/// one statement on a line of its own. It holds for the entries after it, whichever it stands in, so
/// a part of a dump passes it even in an entry the part leaves out; nothing else on its line may pass with it.
/// </summary>
public static class SessionSetting
{
    /// <summary>Whether <paramref name="line"/> (a whole statement line) is one <c>SET</c> statement: its first semicolon outside quotes ends it.</summary>
    public static bool IsOne(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("SET "u8)) return false;
        line = line.TrimEnd(" \t\r"u8);
        byte quote = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (quote != 0) quote = line[i] == quote ? (byte)0 : quote; // a doubled quote closes and reopens
            else if (line[i] is (byte)'\'' or (byte)'"') quote = line[i];
            else if (line[i] == ';') return i == line.Length - 1;
        }
        return false;
    }
}
