using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Notify;

/// <summary>
/// Pings a monitoring URL the way healthchecks.io takes them: <c>URL/start</c> when a run starts, the
/// bare URL when it succeeds, <c>URL/fail</c> with the last error line as the body when it fails. A
/// ping never fails or holds up the run: the start is not waited for, each ping gives up after its
/// timeout, and what happened is logged (<c>notify_sent</c>, <c>notify_failed</c>) with the URL's
/// host only, since the URL itself is the check's secret.
/// </summary>
public sealed class RunPing(Uri url, EventLog log, TimeSpan? timeout = null)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly TimeSpan _timeout = timeout ?? DefaultTimeout;
    private Task _start = Task.CompletedTask;

    /// <summary>Sends the start ping in the background.</summary>
    public void Start() => _start = SendAsync("start", "/start", body: null);

    /// <summary>The run succeeded: the bare URL, after the start ping settled.</summary>
    public async Task SucceededAsync() => await AfterStartAsync("success", "", body: null).ConfigureAwait(false);

    /// <summary>The run failed: <c>/fail</c> with <paramref name="lastError"/> as the body.</summary>
    public async Task FailedAsync(string lastError) => await AfterStartAsync("fail", "/fail", lastError).ConfigureAwait(false);

    private async Task AfterStartAsync(string kind, string suffix, string? body)
    {
        await _start.ConfigureAwait(false); // never throws: SendAsync logs its own failures
        await SendAsync(kind, suffix, body).ConfigureAwait(false);
    }

    private async Task SendAsync(string kind, string suffix, string? body)
    {
        var target = new Uri(url.GetLeftPart(UriPartial.Path).TrimEnd('/') + suffix + url.Query);
        using var cancel = new CancellationTokenSource(_timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target)
            {
                Content = new StringContent(body ?? "", System.Text.Encoding.UTF8, "text/plain"),
            };
            using var response = await Http.SendAsync(request, cancel.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
                log.Info("notify_sent", ("kind", kind), ("host", url.Host), ("status", (int)response.StatusCode));
            else
                log.Warning("notify_failed", ("kind", kind), ("host", url.Host), ("status", (int)response.StatusCode), ("error", $"HTTP {(int)response.StatusCode}"));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            log.Warning("notify_failed", ("kind", kind), ("host", url.Host),
                ("error", cancel.IsCancellationRequested ? $"no answer within {_timeout.TotalSeconds:0} s" : ex.GetBaseException().Message));
        }
    }
}
