using System.Net;
using System.Net.Sockets;

namespace ObservatoryBackup.Tests.Fixtures;

/// <summary>
/// A TCP proxy on loopback in front of the real S3 server that, when armed, resets the first
/// connection to carry more than a given number of bytes: a network fault in the middle of a transfer.
/// </summary>
public sealed class FaultyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private long _abortAfter = long.MaxValue;
    private int _armed;
    private int _aborted;

    public FaultyProxy(string upstream)
    {
        var colon = upstream.LastIndexOf(':');
        (_upstreamHost, _upstreamPort) = (upstream[..colon], int.Parse(upstream[(colon + 1)..]));
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Endpoint => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Connections reset so far.</summary>
    public int Aborted => Volatile.Read(ref _aborted);

    /// <summary>Reset the next connection that moves more than <paramref name="bytes"/> (both directions together).</summary>
    public void Arm(long bytes)
    {
        Interlocked.Exchange(ref _abortAfter, bytes);
        Volatile.Write(ref _armed, 1);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        using (client)
        {
            try
            {
                await upstream.ConnectAsync(_upstreamHost, _upstreamPort, _stop.Token);
                long moved = 0;
                using var connection = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                async Task Pump(NetworkStream from, NetworkStream to)
                {
                    var buffer = new byte[64 * 1024];
                    int n;
                    while ((n = await from.ReadAsync(buffer, connection.Token)) > 0)
                    {
                        await to.WriteAsync(buffer.AsMemory(0, n), connection.Token);
                        if (Interlocked.Add(ref moved, n) > Interlocked.Read(ref _abortAfter) && Interlocked.Exchange(ref _armed, 0) == 1)
                        {
                            Interlocked.Increment(ref _aborted);
                            client.Client.LingerState = new LingerOption(true, 0); // RST, not a clean close
                            connection.Cancel();
                            return;
                        }
                    }
                    connection.Cancel();
                }
                await Task.WhenAll(Pump(client.GetStream(), upstream.GetStream()), Pump(upstream.GetStream(), client.GetStream()));
            }
            catch (Exception)
            {
                // a reset or closed side ends the relay
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        return ValueTask.CompletedTask;
    }
}
