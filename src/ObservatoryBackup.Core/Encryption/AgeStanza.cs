namespace ObservatoryBackup.Encryption;

/// <summary>One recipient stanza of an age header: its type (the first argument), the other arguments, and its body.</summary>
public sealed record AgeStanza(string Type, IReadOnlyList<string> Arguments, byte[] Body);
