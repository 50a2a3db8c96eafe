namespace ObservatoryBackup.Encryption;

/// <summary>
/// age's identity file: one identity a line, blank lines and <c>#</c> comments ignored (what
/// <c>age-keygen</c> writes). Errors name the line, never its content.
/// </summary>
public static class AgeIdentityFile
{
    /// <summary>The identities in <paramref name="text"/>; throws <see cref="FormatException"/> naming the first bad line.</summary>
    public static IReadOnlyList<AgeIdentity> Parse(string text)
    {
        var identities = new List<AgeIdentity>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            try
            {
                identities.Add(AgeIdentity.Parse(line));
            }
            catch (AgeException ex)
            {
                throw new FormatException($"line {lineNumber} is not usable: {ex.Message}");
            }
        }
        if (identities.Count == 0) throw new FormatException("it holds no identity (AGE-SECRET-KEY-1… line)");
        return identities;
    }

    /// <summary>The text of a new identity file for <paramref name="identity"/>, as <c>age-keygen</c> writes it.</summary>
    public static string Format(AgeIdentity identity, DateTimeOffset created) =>
        $"# created: {created.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}\n# public key: {identity.Recipient}\n{identity.ToSecretString()}\n";

    /// <summary>
    /// Writes a new identity file at <paramref name="path"/>, readable and writable by its owner only
    /// from the moment it exists; an existing file is replaced only with <paramref name="overwrite"/>.
    /// </summary>
    public static void Write(string path, AgeIdentity identity, DateTimeOffset created, bool overwrite)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? FileMode.Create : FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file, new System.Text.UTF8Encoding(false)))
            writer.Write(Format(identity, created));
        // an existing file keeps its mode through FileMode.Create: narrow it too
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
