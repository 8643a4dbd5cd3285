using System.Diagnostics;
using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>
/// Stamps each request the fake API server receives with the time it was first seen. The fake
/// keeps no times, so this polls its request log every millisecond or so.
/// </summary>
internal sealed class RequestClock : IAsyncDisposable
{
    private readonly FakeKubeApi _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<Stamped> _seen = [];
    private readonly Task _loop;
    private int _next;

    public RequestClock(FakeKubeApi server)
    {
        _server = server;
        _next = server.Requests.Count;
        _loop = PollAsync();
    }

    /// <summary>Gets the requests seen so far, oldest first.</summary>
    public IReadOnlyList<Stamped> Seen()
    {
        lock (_lock)
        {
            return [.. _seen];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task PollAsync()
    {
        while (true)
        {
            if (_server.Requests.Count != _next)
            {
                Record(_server.Requests.ToArray());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, _stop.Token);
        }
    }

    private void Record(FakeKubeApi.RequestRecord[] all)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            for (; _next < all.Length; _next++)
            {
                _seen.Add(new Stamped(all[_next], now));
            }
        }
    }

    /// <summary>A request and the <see cref="Stopwatch"/> timestamp it was first seen at.</summary>
    public sealed record Stamped(FakeKubeApi.RequestRecord Request, long Seen)
    {
        public string? SecretName => Request.FieldSelector?["metadata.name=".Length..];
    }
}
