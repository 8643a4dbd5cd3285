using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>
/// The clients of the Vault and Kubernetes API fleets: each its own <see cref="IConfigurationRoot"/>
/// (its own provider and HTTP connections), started evenly over a window on the thread pool, each
/// <c>Build()</c> timed and its failure counted; and the time each one sees a written value.
/// </summary>
internal sealed class VaultApiClients : IDisposable
{
    private readonly IConfigurationRoot?[] _roots;
    private readonly long[] _loadedAt;
    private readonly List<string> _failures = [];

    private VaultApiClients(int count)
    {
        _roots = new IConfigurationRoot?[count];
        _loadedAt = new long[count];
    }

    public int Count => _roots.Length;

    /// <summary>Gets the <see cref="Stopwatch"/> timestamp at which the last client finished <c>Build()</c>.</summary>
    public long LastLoadedAt => _loadedAt.Max();

    /// <summary>Gets how many clients' <c>Build()</c> threw.</summary>
    public int BuildFailures => _failures.Count;

    /// <summary>Gets the first few <c>Build()</c> failures, for the notes.</summary>
    public IEnumerable<string> FirstFailures => _failures.Take(3);

    /// <summary>Starts <paramref name="count"/> clients evenly over <paramref name="window"/> from <paramref name="start"/>, and waits for every <c>Build()</c>.</summary>
    public static async Task<VaultApiClients> StartAsync(int count, TimeSpan window, long start, Func<int, IConfigurationRoot> build, CancellationToken cancellationToken)
    {
        var clients = new VaultApiClients(count);
        var builds = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var due = window * i / count - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, TimeProvider.System, cancellationToken);
            }

            var client = i;
            // Build() blocks its thread while the first load runs (and while a throttled start
            // waits): a thread of its own, as each pod is a process of its own, so that blocked
            // starts do not starve the thread pool the loads' own continuations run on.
            builds[i] = Task.Factory.StartNew(() => clients.Build(client, build), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        await Task.WhenAll(builds);
        return clients;
    }

    /// <summary>
    /// Watches <paramref name="key"/> on every client until it reads <paramref name="value"/>; call before the
    /// write. The task ends when every client saw it or <paramref name="bound"/> passed, with the
    /// <see cref="Stopwatch"/> timestamp each client saw it at (0: not seen).
    /// </summary>
    public async Task<long[]> SeeAsync(string key, string value, Action write, TimeSpan bound, CancellationToken cancellationToken)
    {
        var seenAt = new long[Count];
        var left = Count;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriptions = new List<IDisposable>();
        for (var i = 0; i < Count; i++)
        {
            if (_roots[i] is not { } root)
            {
                continue;
            }

            var client = i;
            subscriptions.Add(ChangeToken.OnChange(root.GetReloadToken, () =>
            {
                if (root[key] == value && Interlocked.CompareExchange(ref seenAt[client], Stopwatch.GetTimestamp(), 0) == 0
                    && Interlocked.Decrement(ref left) == 0)
                {
                    all.TrySetResult();
                }
            }));
        }

        left -= BuildFailures;
        write();
        try
        {
            await all.Task.WaitAsync(bound, TimeProvider.System, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Reported as clients that did not see it.
        }

        subscriptions.ForEach(static s => s.Dispose());
        return seenAt;
    }

    public void Dispose()
    {
        foreach (var root in _roots)
        {
            (root as IDisposable)?.Dispose();
        }
    }

    private void Build(int client, Func<int, IConfigurationRoot> build)
    {
        try
        {
            _roots[client] = build(client);
        }
        catch (Exception ex)
        {
            lock (_failures)
            {
                _failures.Add($"client {client}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        finally
        {
            _loadedAt[client] = Stopwatch.GetTimestamp();
        }
    }
}
