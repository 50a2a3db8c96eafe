using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>
/// OBS_NOTIFY_URL, healthchecks.io's convention: /start, then the bare URL or /fail with the error
/// line; a ping that fails or never answers is logged and changes nothing. The store is in memory.
/// </summary>
public class NotifyTests(Servers servers) : IntegrationTest(servers)
{
    /// <summary>A check endpoint on loopback that records each request's path and body.</summary>
    private sealed class CheckServer : IDisposable
    {
        private readonly HttpListener _listener;
        public ConcurrentQueue<(string Path, string Body)> Pings { get; } = new();

        public CheckServer()
        {
            // another process may take the free port before the listener binds it: then another port
            for (var attempt = 1; ; attempt++)
            {
                Port = Shell.FreePort();
                _listener = new HttpListener();
                _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
                try
                {
                    _listener.Start();
                    break;
                }
                catch (HttpListenerException) when (attempt < 3)
                {
                    _listener.Close();
                }
            }
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await _listener.GetContextAsync(); } catch (Exception) { return; }
                    using var reader = new StreamReader(context.Request.InputStream);
                    Pings.Enqueue((context.Request.Url!.AbsolutePath, await reader.ReadToEndAsync()));
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
            });
        }

        public int Port { get; }
        public Uri Check => new($"http://127.0.0.1:{Port}/ping/secret-check-uuid");
        public void Dispose() => _listener.Close();
    }

    private static (BackupEngine Engine, MemoryObjectStore Store) Engine(ObsSettings settings, RecordingLog log)
    {
        var store = new MemoryObjectStore(settings.Storage.Bucket);
        return (new BackupEngine(new BackupOptions(settings with { Storage = store.Settings }), log) { OpenStore = _ => store }, store);
    }

    [Fact]
    public async Task A_backup_pings_start_then_success_and_logs_no_part_of_the_url_but_its_host()
    {
        using var check = new CheckServer();
        var db = Servers.UniqueName("notify");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var log = new RecordingLog();
        var (engine, store) = Engine(SettingsFor(db, "notify") with { NotifyUrl = check.Check }, log);

        await engine.ExecuteAsync(await engine.PlanAsync(default), default);

        Assert.Equal(["/ping/secret-check-uuid/start", "/ping/secret-check-uuid"], check.Pings.Select(p => p.Path));
        Assert.Single(store.ObjectNames);
        Assert.Equal(2, log.Names.Count(n => n == "notify_sent"));
        Assert.DoesNotContain("secret-check-uuid", log.AllJson);
    }

    [Fact]
    public async Task A_failed_backup_pings_fail_with_the_error_line()
    {
        using var check = new CheckServer();
        var db = Servers.UniqueName("notify-fail");
        var log = new RecordingLog();
        // the database does not exist: the plan fails
        var (engine, _) = Engine(SettingsFor(db, "notify") with { NotifyUrl = check.Check }, log);

        var ex = await Assert.ThrowsAsync<DatabaseException>(() => engine.PlanAsync(default));

        // the run never started: only its failure is pinged
        Assert.Equal(["/ping/secret-check-uuid/fail"], check.Pings.Select(p => p.Path));
        Assert.Equal(ex.Message, check.Pings.Last().Body);
    }

    [Fact]
    public async Task A_check_that_never_answers_neither_fails_nor_holds_up_the_backup_beyond_its_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections, never answers
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/ping/x");
        var db = Servers.UniqueName("notify-silent");
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var log = new RecordingLog();
        var (engine, store) = Engine(SettingsFor(db, "notify") with { NotifyUrl = url, NotifyTimeout = TimeSpan.FromSeconds(1) }, log);

        var started = System.Diagnostics.Stopwatch.StartNew();
        await engine.ExecuteAsync(await engine.PlanAsync(default), default);

        Assert.Single(store.ObjectNames);
        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.Equal(2, log.Events.Count(e => e.Name == "notify_failed" && ((string)e["error"]!).Contains("no answer within 1 s")));
    }

    [Fact]
    public void A_notify_url_that_is_not_http_is_refused_without_repeating_it()
    {
        var ex = Assert.Throws<ConfigurationException>(() => new SettingsResolver(new Dictionary<string, string?>
        {
            ["MINIO_ENDPOINT"] = "minio:9000", ["OBS_NOTIFY_URL"] = "ftp://hc/secret-uuid",
        }).Resolve(new SettingOverrides(), needsDatabase: false));

        Assert.StartsWith("OBS_NOTIFY_URL must be an absolute http:// or https:// URL", ex.Message);
        Assert.DoesNotContain("secret-uuid", ex.Message);
    }
}
