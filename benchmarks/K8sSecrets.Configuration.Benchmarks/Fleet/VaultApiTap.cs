using System.Collections.Concurrent;
using System.Diagnostics;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>
/// The client side of the Vault and Kubernetes API fleets: one <see cref="DelegatingHandler"/> per
/// client, all writing to one log, each request stamped when it is sent, with its kind ("login",
/// "read", "list", "watch"...) and its status (0 when no answer came: a refused or reset connection).
/// The fakes keep no times and cannot see refused connections, so this is what the figures come from;
/// "answered" below means "reached the server" (a watch's status is known only at its first line).
/// </summary>
internal sealed class VaultApiTap(Func<HttpRequestMessage, string> kind)
{
    private static readonly TimeSpan s_refusedWithin = TimeSpan.FromSeconds(1);
    private readonly Func<HttpRequestMessage, string> _kind = kind;
    private readonly ConcurrentQueue<Sent> _sent = new();
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _peakInFlight = new(StringComparer.Ordinal);

    /// <summary>Gets every request sent so far, in no particular order.</summary>
    public IReadOnlyCollection<Sent> All => _sent;

    /// <summary>Gets the most requests of <paramref name="what"/> that were waiting for their answer at once.</summary>
    public int PeakInFlight(string what) => _peakInFlight.GetValueOrDefault(what);

    /// <summary>A handler for client <paramref name="client"/> in front of <paramref name="inner"/>.</summary>
    public DelegatingHandler For(int client, HttpMessageHandler inner) => new Handler(this, client) { InnerHandler = inner };

    /// <summary>A handler for client <paramref name="client"/> whose inner handler its owner sets (the Kubernetes client chains its own).</summary>
    public DelegatingHandler For(int client) => new Handler(this, client);

    /// <summary>Requests per whole second from <paramref name="start"/> that reached the server (refused connections left out).</summary>
    public double[] RatePerSecond(long start, long end)
    {
        var seconds = new double[(int)Math.Ceiling(Stopwatch.GetElapsedTime(start, end).TotalSeconds) + 1];
        foreach (var s in _sent)
        {
            var at = (int)Stopwatch.GetElapsedTime(start, s.At).TotalSeconds;
            if (s.Status != 0 && at >= 0 && at < seconds.Length)
            {
                seconds[at]++;
            }
        }

        return seconds;
    }

    /// <summary>The busiest whole second of requests matching <paramref name="where"/> sent at or after <paramref name="from"/>.</summary>
    public int PeakPerSecond(Func<Sent, bool> where, long from) => Peak(where, from, TimeSpan.FromSeconds(1));

    /// <summary>
    /// The busiest <paramref name="window"/> of requests matching <paramref name="where"/> sent at or
    /// after <paramref name="from"/>: at 100 ms, ten times it near the busiest second means the
    /// second was evenly busy; far above, that the requests came in a herd.
    /// </summary>
    public int Peak(Func<Sent, bool> where, long from, TimeSpan window)
        => _sent.Where(s => s.At >= from && where(s))
            .GroupBy(s => (long)(Stopwatch.GetElapsedTime(from, s.At) / window))
            .Select(static g => g.Count())
            .DefaultIfEmpty(0)
            .Max();

    /// <summary>The <paramref name="fraction"/> quantile of times in seconds (nearest rank), or null when there are none.</summary>
    public static TimeSpan? Quantile(IReadOnlyCollection<double> seconds, double fraction)
    {
        if (seconds.Count == 0)
        {
            return null;
        }

        var sorted = seconds.Order().ToArray();
        return TimeSpan.FromSeconds(sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)]);
    }

    private void Enter(string what)
    {
        var now = _inFlight.AddOrUpdate(what, 1, static (_, n) => n + 1);
        _peakInFlight.AddOrUpdate(what, now, (_, peak) => Math.Max(peak, now));
    }

    /// <summary>
    /// One request: its client, kind, the <see cref="Stopwatch"/> timestamp it was sent at, and its
    /// status: <see cref="Pending"/> until the handler below returns (a watch stays there until its
    /// first line), <see cref="Refused"/> when it never reached the server (a refused connection),
    /// <see cref="Lost"/> when the connection broke after it was sent.
    /// </summary>
    internal sealed class Sent(int client, string kind, long at)
    {
        public const int Refused = 0;

        public const int Pending = -1;

        public const int Lost = -2;

        private int _status = Pending;

        public int Client => client;

        public string Kind => kind;

        public long At => at;

        public int Status
        {
            get => Volatile.Read(ref _status);
            set => Volatile.Write(ref _status, value);
        }
    }

    private sealed class Handler(VaultApiTap tap, int client) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var what = tap._kind(request);
            var sent = new Sent(client, what, Stopwatch.GetTimestamp());
            tap._sent.Enqueue(sent);
            tap.Enter(what);
            var status = Sent.Lost;
            try
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                status = (int)response.StatusCode;
                return response;
            }
            catch (HttpRequestException ex) when (ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }
                && Stopwatch.GetElapsedTime(sent.At) < s_refusedWithin)
            {
                // Refused at once. A watch waiting for its first line whose connection is reset is
                // retried by SocketsHttpHandler on a new connection, which is refused too: that one
                // had reached the server, and took as long as it was open.
                status = Sent.Refused;
                throw;
            }
            finally
            {
                tap._inFlight.AddOrUpdate(what, 0, static (_, n) => n - 1);
                sent.Status = status;
            }
        }
    }
}
