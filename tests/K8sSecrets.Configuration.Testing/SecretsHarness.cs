using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// One test's configuration, built over any <see cref="KubernetesSecretsBuilder"/> setup: captured
/// logs (every level), a reload counter and a <see cref="SecretsConfigurationProvider.Changed"/>
/// counter for the latest build, and disposal of everything it built.
/// </summary>
public sealed class SecretsHarness : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private Counters? _latest;

    public LogCapture Logs { get; } = new();

    /// <summary>Gets the configuration built last.</summary>
    public IConfigurationRoot Root => _latest?.Root ?? throw new InvalidOperationException("Nothing was built yet.");

    /// <summary>Gets the one secrets provider of the configuration built last.</summary>
    public SecretsConfigurationProvider Provider => Root.Providers.OfType<SecretsConfigurationProvider>().Single();

    /// <summary>Gets the reloads the configuration built last has raised.</summary>
    public int Reloads => _latest is { } latest ? Volatile.Read(ref latest.Reloads) : 0;

    /// <summary>Gets the <see cref="SecretsConfigurationProvider.Changed"/> events of the configuration built last.</summary>
    public int Changes => _latest is { } latest ? Volatile.Read(ref latest.Changes) : 0;

    /// <summary>Builds a configuration whose secrets log to <see cref="Logs"/>, then as <paramref name="configure"/> sets up.</summary>
    public IConfigurationRoot Build(Action<KubernetesSecretsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var root = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.LoggerFactory = Logs.Factory;
            configure(secrets);
        }).Build();
        _owned.Add((IDisposable)root);
        var counters = new Counters(root);
        _owned.Add(ChangeToken.OnChange(root.GetReloadToken, () => Interlocked.Increment(ref counters.Reloads)));
        foreach (var provider in root.Providers.OfType<SecretsConfigurationProvider>())
        {
            provider.Changed += (_, _) => Interlocked.Increment(ref counters.Changes);
        }

        _latest = counters;
        return root;
    }

    /// <summary>Gets the keys and values the configuration built last shows now (keys compared ignoring case).</summary>
    public Dictionary<string, string?> Snapshot()
        => Root.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
        Logs.Dispose();
    }

    private sealed class Counters(IConfigurationRoot root)
    {
        public int Reloads;
        public int Changes;

        public IConfigurationRoot Root { get; } = root;
    }
}
