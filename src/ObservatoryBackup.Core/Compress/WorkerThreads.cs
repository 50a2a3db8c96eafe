using System.Collections.Concurrent;

namespace ObservatoryBackup.Compress;

/// <summary>
/// A few threads of one stream's own that run its jobs, in place of the thread pool.
/// Each block's deflate allocates about 350 KB of native zlib state and frees it at the end. Spread over
/// the pool's dozen threads, those frees stayed in as many glibc arenas: 25–40 MB of a 1 GB backup's
/// peak RSS (bench/README.md). On the same few threads each freed state is reused by the next block.
/// Disposing lets the threads finish the jobs already given and end.
/// </summary>
internal sealed class WorkerThreads : IDisposable
{
    private readonly BlockingCollection<Action> _jobs = new();

    public WorkerThreads(int count, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        for (var i = 0; i < count; i++)
            new Thread(RunJobs) { IsBackground = true, Name = name }.Start();
    }

    /// <summary>Queues <paramref name="job"/>; the task completes with its result or its exception.</summary>
    public Task<T> Run<T>(Func<T> job)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _jobs.Add(() =>
        {
            try
            {
                done.SetResult(job());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        return done.Task;
    }

    private void RunJobs()
    {
        foreach (var job in _jobs.GetConsumingEnumerable()) job();
    }

    public void Dispose() => _jobs.CompleteAdding();
}
