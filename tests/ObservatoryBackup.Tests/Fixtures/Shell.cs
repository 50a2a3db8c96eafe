using CliWrap;
using CliWrap.Buffered;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>Runs the fixtures' scripts and finds the repository.</summary>
internal static class Shell
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? env = null, TimeSpan? timeout = null, string stdin = "")
    {
        var argList = args.ToList();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        var result = await CliWrap.Cli.Wrap(file).WithArguments(argList)
            .WithEnvironmentVariables(env ?? new Dictionary<string, string?>())
            .WithStandardInputPipe(PipeSource.FromString(stdin))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cts.Token);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', argList)} failed ({result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A loopback port free now and never handed out before in this run: servers started at once (PostgreSQL
    /// and radosgw's mon and frontend) bind theirs seconds later, and must not be given the same one.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (HandedOut)
                if (HandedOut.Add(port)) return port;
        }
    }

    /// <summary>
    /// Starts a server on a free port. Between <see cref="FreePort"/> and the server's own bind, any process of the
    /// machine may take that port: then the server, cleaned up by <paramref name="start"/>, starts again on another.
    /// </summary>
    public static async Task<T> OnFreePortAsync<T>(Func<int, Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(FreePort());
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    /// <summary>The repository root, found from the test binaries upwards.</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ObservatoryBackup.sln"))) return dir.FullName;
            throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
        }
    }
}
