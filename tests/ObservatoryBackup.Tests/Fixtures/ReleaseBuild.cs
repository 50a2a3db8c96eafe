namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// The tests that build the Release configuration (build.ps1 by BuildScriptTests and the Shipping suite,
/// scripts/try.sh) write the same obj/ and bin/ files of the engine, and two MSBuild processes building one
/// project at once trip over them ("being used by another process"). Those tests take turns.
/// </summary>
internal static class ReleaseBuild
{
    private static readonly SemaphoreSlim Turn = new(1, 1);

    public static async Task<T> OneAtATimeAsync<T>(Func<Task<T>> run)
    {
        await Turn.WaitAsync();
        try
        {
            return await run();
        }
        finally
        {
            Turn.Release();
        }
    }

    public static void OneAtATime(Action run)
    {
        Turn.Wait();
        try
        {
            run();
        }
        finally
        {
            Turn.Release();
        }
    }
}
