namespace ObservatoryBackup.Metrics;

/// <summary>
/// The exclusive lock a <see cref="MetricsFile"/> update holds, on <c>PATH.lock</c>, which lasts only
/// as long as the update: the holder removes it before letting go, so nothing stays beside the metrics
/// (node_exporter's textfile directory is the operator's). Every writer must see the same lock, so it
/// lives with the file (runs in other containers share the directory, not <c>/tmp</c>).
/// On Unix the lock is flock's (.NET's <see cref="FileShare.None"/>, released however the process
/// ends). A run that waited on the file may win the lock after the holder removed it, on a file no
/// name reaches; it checks (Linux: <c>/proc/self/fd</c> names the file it holds, "(deleted)" or, on
/// NFS, renamed) and takes the lock again on the file that is there. Where that check is impossible (Unix without /proc) the lock file stays.
/// On Windows the file is deleted on close and cannot be opened while held, so no one waits on it.
/// </summary>
internal sealed class MetricsFileLock : IDisposable
{
    /// <summary>How long a run waits for another's update of the file; an update takes milliseconds.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly FileStream _stream;
    private readonly bool _remove;

    private MetricsFileLock(FileStream stream, bool remove) => (_stream, _remove) = (stream, remove);

    public static MetricsFileLock Acquire(string metricsPath)
    {
        var path = metricsPath + ".lock";
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                    OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
            }
            // held by another run (a plain IOException; a missing directory is one of its subclasses)
            catch (IOException ex) when (ex.GetType() == typeof(IOException) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(5, 25));
                continue;
            }
            if (OperatingSystem.IsWindows()) return new(stream, remove: false);
            switch (StillNamed(stream))
            {
                case true: return new(stream, remove: true);
                case null: return new(stream, remove: false);
                default: stream.Dispose(); break; // removed by the run before us: take the file that is there now
            }
        }
    }

    /// <summary>Whether the locked file still has its name; null when the system cannot say.</summary>
    private static bool? StillNamed(FileStream stream)
    {
        if (!Directory.Exists("/proc/self/fd")) return null;
        var target = new FileInfo("/proc/self/fd/" + stream.SafeFileHandle.DangerousGetHandle()).LinkTarget;
        // removed: "(deleted)" after the name, or on NFS renamed to .nfsXXXX while still open
        return target is not null && !target.EndsWith(" (deleted)", StringComparison.Ordinal)
            && Path.GetFileName(target) == Path.GetFileName(stream.Name);
    }

    /// <summary>Removes the lock file while still holding it (whoever opened it meanwhile sees it deleted), then lets go.</summary>
    public void Dispose()
    {
        try
        {
            if (_remove) File.Delete(_stream.Name);
        }
        finally
        {
            _stream.Dispose();
        }
    }
}
