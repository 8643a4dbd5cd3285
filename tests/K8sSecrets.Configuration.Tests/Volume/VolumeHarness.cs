using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace K8sSecrets.Configuration.Tests;

/// <summary>A configuration over one volume folder, with captured logs and a reload counter.</summary>
internal sealed class VolumeHarness : IDisposable
{
    private readonly IDisposable _registration;
    private int _reloads;

    public VolumeHarness(string root, Action<VolumeSecretOptions>? configure = null, Action<KubernetesSecretsBuilder>? shared = null)
    {
        Root = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.LoggerFactory = Logs.Factory;
            shared?.Invoke(secrets);
            secrets.FromVolume(root, configure);
        }).Build();
        Provider = Root.Providers.OfType<SecretsConfigurationProvider>().Single();
        _registration = ChangeToken.OnChange(Root.GetReloadToken, () => Interlocked.Increment(ref _reloads));
    }

    public LogCapture Logs { get; } = new();

    public IConfigurationRoot Root { get; }

    public SecretsConfigurationProvider Provider { get; }

    public int Reloads => Volatile.Read(ref _reloads);

    public Dictionary<string, string?> Snapshot()
        => Root.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        _registration.Dispose();
        ((IDisposable)Root).Dispose();
        Logs.Dispose();
    }
}
