using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>obs-backup as cron runs it: a separate process, configured by its environment only.</summary>
public static class ObsBackupCli
{
    /// <summary>The environment a backup job would have for <paramref name="database"/> and <paramref name="bucket"/> on the test servers; unset what the caller's environment might add.</summary>
    public static Dictionary<string, string?> Environment(Servers servers, string database, string bucket) => new()
    {
        ["DATABASE_URL"] = servers.Postgres.Url(database),
        ["MINIO_ENDPOINT"] = servers.S3.Endpoint,
        ["MINIO_ACCESS_KEY"] = servers.S3.AccessKey,
        ["MINIO_SECRET_KEY"] = servers.S3.SecretKey,
        ["MINIO_BUCKET"] = bucket,
        ["MINIO_SECURE"] = "false",
        ["MINIO_ROOT_USER"] = null,
        ["MINIO_ROOT_PASSWORD"] = null,
        ["BACKUP_RETENTION_DAYS"] = null,
        ["OBS_LOG_FORMAT"] = null,
        ["OBS_PG_DUMP"] = $"{PostgresServer.BinDir}/pg_dump",
        ["OBS_PSQL"] = $"{PostgresServer.BinDir}/psql",
    };

    /// <summary>The native executable the test build publishes on Linux (what ships there).</summary>
    public static string NativeExecutable => Path.Combine(AppContext.BaseDirectory, "native", "obs-backup");

    /// <summary>The portable build, run by the dotnet host (what the tool package installs where no native one is).</summary>
    public static string PortableDll => Path.Combine(AppContext.BaseDirectory, "obs-backup.dll");

    /// <summary>The program and the arguments before obs-backup's own: the native executable, else dotnet and the portable build.</summary>
    public static (string Program, string[] Prefix) Command => File.Exists(NativeExecutable)
        ? (NativeExecutable, [])
        : ("dotnet", [PortableDll]);

    public static Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) =>
        RunAsync(Command, env, args);

    public static async Task<BufferedCommandResult> RunAsync((string Program, string[] Prefix) command, IReadOnlyDictionary<string, string?> env, params string[] args) =>
        await CliWrap.Cli.Wrap(command.Program).WithArguments([.. command.Prefix, .. args])
            .WithEnvironmentVariables(env)
            .WithStandardInputPipe(PipeSource.FromString(""))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();

    /// <summary>Starts obs-backup for a test that signals it while it runs; stdout and stderr are collected.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        var (program, prefix) = Command;
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in prefix.Concat(args)) start.ArgumentList.Add(a);
        foreach (var (key, value) in env)
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        return Process.Start(start)!;
    }
}
