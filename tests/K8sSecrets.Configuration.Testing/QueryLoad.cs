using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// Workers that query through a <see cref="DbDataSource"/> until stopped, each query opening a
/// connection (from the pool), running <c>SELECT current_user</c> and closing it. Counts queries and
/// failures, keeps latencies, and which user (so which pool) answered each query.
/// </summary>
public sealed class QueryLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly ConcurrentBag<List<long>> _latencies = [];
    private long _queries;

    private QueryLoad(Func<CancellationToken, ValueTask<DbConnection>> open, int workers)
    {
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => RunAsync(open)))];
    }

    public long Queries => Interlocked.Read(ref _queries);

    public ConcurrentQueue<Exception> Failures { get; } = new();

    /// <summary>Gets how many queries each user answered.</summary>
    public ConcurrentDictionary<string, long> ByUser { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the user that answered the latest query.</summary>
    public string? LastUser { get; private set; }

    public static QueryLoad Start(DbDataSource source, int workers) => new(ct => source.OpenConnectionAsync(ct), workers);

    /// <summary>Waits (bounded) until <paramref name="more"/> more queries than now have completed.</summary>
    public Task RunQueriesAsync(long more, string because)
    {
        var target = Queries + more;
        return Eventually.HoldsAsync(() => Queries >= target || !Failures.IsEmpty, because);
    }

    /// <summary>Stops the workers and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    /// <summary>The latency at a percentile (0-100) of every query so far, in milliseconds.</summary>
    public double Percentile(double percentile)
    {
        var all = _latencies.SelectMany(l => { lock (l) { return l.ToArray(); } }).Order().ToArray();
        if (all.Length == 0)
        {
            return 0;
        }

        var index = (int)Math.Clamp(Math.Ceiling(percentile / 100 * all.Length) - 1, 0, all.Length - 1);
        return all[index] * 1000.0 / Stopwatch.Frequency;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(Func<CancellationToken, ValueTask<DbConnection>> open)
    {
        var latencies = new List<long>(1 << 16);
        _latencies.Add(latencies);
        while (!_stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await using var connection = await open(CancellationToken.None);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT current_user";
                var user = (string)(await command.ExecuteScalarAsync())!;
                ByUser.AddOrUpdate(user, 1, (_, n) => n + 1);
                LastUser = user;
            }
            catch (Exception e)
            {
                Failures.Enqueue(e);
                continue;
            }

            lock (latencies)
            {
                latencies.Add(Stopwatch.GetTimestamp() - started);
            }

            Interlocked.Increment(ref _queries);
        }
    }
}
