using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// Watches what the configuration publishes, as an app would: through the root's reload token
/// (<c>ChangeToken.OnChange</c>, what <c>IOptionsMonitor</c> listens to) and the provider's
/// <see cref="SecretsConfigurationProvider.Changed"/> event. At every publish, inside the callback,
/// it checks the published state against the store (a, b) and counts reloads against the distinct
/// states seen (d).
/// </summary>
internal sealed class ChaosObserver : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ChaosWorld _world;
    private readonly IConfigurationRoot _root;
    private readonly SecretsConfigurationProvider _provider;
    private readonly IDisposable _subscription;
    private Dictionary<string, string?> _last;
    private long _reloads;
    private long _changes;
    private long _distinct = 1;

    public ChaosObserver(ChaosWorld world, IConfigurationRoot root)
    {
        _world = world;
        _root = root;
        _provider = root.Providers.OfType<SecretsConfigurationProvider>().Single();
        _last = Published();
        Check("the first load", _last);
        _provider.Changed += OnChanged;
        _subscription = ChangeToken.OnChange(root.GetReloadToken, OnReload);
    }

    public long Reloads => Interlocked.Read(ref _reloads);

    public long Changes => Interlocked.Read(ref _changes);

    public long DistinctStates => Interlocked.Read(ref _distinct);

    public SecretsConfigurationProvider Provider => _provider;

    /// <summary>Gets the keys and values the configuration shows now.</summary>
    public Dictionary<string, string?> Published()
        => _root.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>Checks the state shown now (between publishes too: after every step of the schedule).</summary>
    public void CheckNow(string when)
    {
        lock (_lock)
        {
            Check(when, Published());
        }

        if (_provider.GetHealth().LastError is { } error && error.Contains(ChaosStore.Sentinel, StringComparison.Ordinal))
        {
            _world.Violation($"(e) a secret value reached the health report's last error: {error}");
        }
    }

    public static bool Same(IReadOnlyDictionary<string, string?> a, IReadOnlyDictionary<string, string?> b)
        => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal));

    public void Dispose()
    {
        _subscription.Dispose();
        _provider.Changed -= OnChanged;
    }

    private void OnReload()
    {
        lock (_lock)
        {
            var reloads = Interlocked.Increment(ref _reloads);
            var now = Published();
            if (Same(now, _last))
            {
                _world.Violation($"(d) reload #{reloads} was raised with the published state unchanged");
            }
            else
            {
                Interlocked.Increment(ref _distinct);
                _last = now;
            }

            Check($"reload #{reloads}", now);
            if (reloads > Interlocked.Read(ref _distinct) - 1)
            {
                _world.Violation($"(d) {reloads} reloads for {Interlocked.Read(ref _distinct)} distinct published states (the first load included)");
            }
        }
    }

    private void OnChanged(object? sender, SecretsChangedEventArgs change)
    {
        var changes = Interlocked.Increment(ref _changes);
        if (change.Added.Count + change.Changed.Count + change.Removed.Count == 0)
        {
            _world.Violation($"(d) Changed event #{changes} names no key");
        }

        if (changes > Interlocked.Read(ref _distinct) - 1)
        {
            _world.Violation($"(d) {changes} Changed events for {Interlocked.Read(ref _distinct)} distinct published states (the first load included)");
        }
    }

    private void Check(string when, Dictionary<string, string?> state)
    {
        foreach (var problem in _world.Store.Check(state))
        {
            _world.Violation($"{problem} (at {when})");
        }
    }
}
