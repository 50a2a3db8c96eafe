namespace ObservatoryBackup.Store;

internal static class ExceptionChain
{
    /// <summary>The exception and its inner exceptions, outermost first.</summary>
    public static IEnumerable<Exception> Chain(this Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException) yield return e;
    }
}
