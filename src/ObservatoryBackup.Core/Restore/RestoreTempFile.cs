using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Restore;

/// <summary>
/// The restore's temporary copy of a backup: private (0600), held with an exclusive lock while in use
/// (so a later run can tell a live file from a leftover), removed on dispose. Local read and write
/// failures (a full disk) are <see cref="ObsBackupException"/>s naming the file: never retried, never
/// blamed on the store.
/// </summary>
internal sealed class RestoreTempFile : IAsyncDisposable
{
    private const string Pattern = "obs-restore-*.sql.gz";
    private readonly FileStream _file;

    private RestoreTempFile(string path, FileStream file)
    {
        Path = path;
        _file = file;
        Stream = new LocalFileStream(file, path);
    }

    public string Path { get; }

    /// <summary>The file, with local I/O failures reported as such.</summary>
    public Stream Stream { get; }

    public static RestoreTempFile Create(string directory)
    {
        var path = System.IO.Path.Combine(directory, $"obs-restore-{Guid.NewGuid():N}.sql.gz");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None, // an exclusive lock on Unix too (flock), which RemoveLeftovers tests for
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            return new RestoreTempFile(path, new FileStream(path, options));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw LocalFileStream.Failed(path, ex);
        }
    }

    /// <summary>Removes temporary files of restores that are no longer running (killed before they could clean up); returns their paths.</summary>
    public static IReadOnlyList<string> RemoveLeftovers(string directory)
    {
        var removed = new List<string>();
        foreach (var path in Directory.EnumerateFiles(directory, Pattern))
        {
            try
            {
                // a running restore holds its file exclusively: this open fails for it
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                File.Delete(path);
                removed.Add(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // in use, or not ours to remove
            }
        }
        return removed;
    }

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        File.Delete(Path);
    }
}
