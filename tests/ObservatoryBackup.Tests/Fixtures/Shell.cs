using CliWrap;
using CliWrap.Buffered;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>Runs fixture commands, as the postgres system user where the tests run as root (initdb refuses root).</summary>
internal static class Shell
{
    public static bool IsRoot => Environment.UserName == "root";

    public static async Task<string> RunAsync(string file, IEnumerable<string> args, bool asPostgres = false,
        IReadOnlyDictionary<string, string?>? env = null, TimeSpan? timeout = null)
    {
        var argList = args.ToList();
        if (asPostgres && IsRoot)
        {
            argList.InsertRange(0, ["-u", "postgres", "--", file]);
            file = "runuser";
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        var result = await CliWrap.Cli.Wrap(file).WithArguments(argList)
            .WithEnvironmentVariables(env ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cts.Token);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', argList)} failed ({result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }

    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
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
