namespace ObservatoryBackup.Signing;

/// <summary>A key pair's two files, as <c>minisign -G -W</c> writes them.</summary>
public static class MinisignKeyFiles
{
    /// <summary>Where the public key goes when only the secret key's path is given: <c>x.key</c> → <c>x.pub</c>, else <c>x</c> → <c>x.pub</c>.</summary>
    public static string DefaultPublicKeyPath(string secretKeyPath) =>
        secretKeyPath.EndsWith(".key", StringComparison.Ordinal) ? secretKeyPath[..^4] + ".pub" : secretKeyPath + ".pub";

    /// <summary>
    /// Writes <paramref name="key"/>'s unencrypted secret key file (readable and writable by its owner only
    /// from the moment it exists) and its public key file. Existing files are replaced only with
    /// <paramref name="overwrite"/>; without it, neither is written when either exists (<see cref="IOException"/>).
    /// </summary>
    public static void Write(string secretKeyPath, string publicKeyPath, MinisignSecretKey key, bool overwrite)
    {
        if (Path.GetFullPath(secretKeyPath) == Path.GetFullPath(publicKeyPath))
            throw new ArgumentException("the secret and the public key file must be two files");
        if (!overwrite)
            foreach (var path in new[] { secretKeyPath, publicKeyPath })
                if (File.Exists(path) || Directory.Exists(path))
                    throw new IOException($"{path} already exists");
        WriteFile(secretKeyPath, key.Format(), overwrite, ownerOnly: true);
        WriteFile(publicKeyPath, key.PublicKey.Format(), overwrite, ownerOnly: false);
    }

    private static void WriteFile(string path, string text, bool overwrite, bool ownerOnly)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? FileMode.Create : FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (ownerOnly && !OperatingSystem.IsWindows()) options.UnixCreateMode = owner;
        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file, new System.Text.UTF8Encoding(false)))
            writer.Write(text);
        // an existing file keeps its mode through FileMode.Create: narrow it too
        if (ownerOnly && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, owner);
    }
}
