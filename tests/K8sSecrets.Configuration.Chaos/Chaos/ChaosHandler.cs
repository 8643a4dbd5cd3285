using System.Collections.Concurrent;
using System.Net;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// The client side of every HTTP source in a chaos run: it counts requests in flight (from send until
/// the response headers, so an open watch stream is not "in flight") and those parked on the fake
/// clock (a hung or slow connection), which is how the runner knows the system is quiescent; and it
/// plays the connection faults no fake can: a reset before any answer, a hang that ends in a reset
/// after some fake time, a slow answer.
/// </summary>
internal sealed class ChaosHandler(ChaosClock clock) : DelegatingHandler
{
    private readonly ConcurrentQueue<ConnectionFault> _faults = new();
    private long _started;
    private long _finished;
    private readonly ConcurrentDictionary<long, string> _open = new();
    private int _busy;
    private long _ids;

    /// <summary>Gets how many requests were sent so far.</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Gets how many sends ended (with headers or an exception).</summary>
    public long Finished => Interlocked.Read(ref _finished);

    /// <summary>Gets the requests in flight that are not parked on the fake clock: work the runner must wait for.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Gets the requests whose send has not ended (for messages).</summary>
    public IEnumerable<string> Open => _open.Values;

    /// <summary>Plays <paramref name="fault"/> on the next request (faults queue up, one request each).</summary>
    public void Enqueue(ConnectionFault fault) => _faults.Enqueue(fault);

    /// <summary>Forgets the faults not yet played (the requests parked already end at their own time).</summary>
    public void Clear() => _faults.Clear();

    /// <summary>Wraps <paramref name="inner"/>, by default a new socket handler (one per client, as the library builds them).</summary>
    public static ChaosHandler Over(ChaosClock clock, HttpMessageHandler? inner = null) => new(clock) { InnerHandler = inner ?? new SocketsHttpHandler() };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _started);

        // A watch is a stream the server may keep silent for minutes (the client library returns it only
        // with its first line): waiting on it is not work in flight; its lines show in the logs and publishes.
        var streaming = request.RequestUri?.Query.Contains("watch=true", StringComparison.Ordinal) == true;
        if (!streaming)
        {
            Interlocked.Increment(ref _busy);
        }

        var id = Interlocked.Increment(ref _ids);
        _open[id] = $"{request.Method} {request.RequestUri?.PathAndQuery}";
        try
        {
            if (_faults.TryDequeue(out var fault))
            {
                switch (fault.Kind)
                {
                    case ConnectionFaultKind.Reset:
                        throw new HttpRequestException(HttpRequestError.ConnectionError, "chaos: the connection was reset", new IOException("Connection reset by peer"));
                    case ConnectionFaultKind.Hang:
                        await ParkAsync(fault.Wait, streaming, cancellationToken).ConfigureAwait(false);
                        throw new HttpRequestException(HttpRequestError.ConnectionError, "chaos: the hung connection was reset", new IOException("Connection reset by peer"));
                    case ConnectionFaultKind.Slow:
                        await ParkAsync(fault.Wait, streaming, cancellationToken).ConfigureAwait(false);
                        break;
                    case ConnectionFaultKind.Status:
                        return Answer(request, fault);
                }
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _open.TryRemove(id, out _);
            if (!streaming)
            {
                Interlocked.Decrement(ref _busy);
            }

            Interlocked.Increment(ref _finished);
        }
    }

    private static HttpResponseMessage Answer(HttpRequestMessage request, ConnectionFault fault)
    {
        var response = new HttpResponseMessage((HttpStatusCode)fault.Status)
        {
            RequestMessage = request,
            Content = new StringContent(fault.Body ?? string.Empty, System.Text.Encoding.UTF8, fault.ContentType ?? "application/json"),
        };
        if (fault.RetryAfterSeconds is { } seconds)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return response;
    }

    /// <summary>Waits on the fake clock; a request waiting there is not busy (time must move for it to end).</summary>
    private async Task ParkAsync(TimeSpan wait, bool streaming, CancellationToken cancellationToken)
    {
        if (streaming)
        {
            await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
            return;
        }

        Interlocked.Decrement(ref _busy);
        try
        {
            await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Increment(ref _busy);
        }
    }
}
