using ObservatoryBackup.Compress;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The parallel gzip's own threads: jobs run there, never on the pool, and their results and exceptions come back.</summary>
[Trait("Tier", "Fast")]
public class WorkerThreadsTests
{
    [Fact]
    public async Task Runs_every_job_on_its_own_threads_and_returns_its_result()
    {
        using var workers = new WorkerThreads(2, "obs-test");
        var runs = Enumerable.Range(0, 20).Select(i => workers.Run(() =>
            (Value: i * i, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.ManagedThreadId))).ToList();
        var results = await Task.WhenAll(runs);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * i), results.Select(r => r.Value));
        Assert.All(results, r => Assert.Equal("obs-test", r.Name));
        Assert.All(results, r => Assert.False(r.IsThreadPoolThread));
        Assert.InRange(results.Select(r => r.ManagedThreadId).Distinct().Count(), 1, 2);
    }

    [Fact]
    public async Task A_job_that_throws_faults_its_task_and_the_threads_go_on()
    {
        using var workers = new WorkerThreads(1, "obs-test");
        var failed = workers.Run<int>(() => throw new InvalidDataException("bad block"));
        var next = workers.Run(() => 7);
        Assert.Equal("bad block", (await Assert.ThrowsAsync<InvalidDataException>(() => failed)).Message);
        Assert.Equal(7, await next);
    }
}
