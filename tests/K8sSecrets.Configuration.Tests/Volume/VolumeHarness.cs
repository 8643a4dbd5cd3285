using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Tests;

/// <summary>A configuration over one volume folder, with captured logs and a reload counter.</summary>
internal sealed class VolumeHarness : IDisposable
{
    private readonly SecretsHarness _secrets = new();

    public VolumeHarness(string root, Action<VolumeSecretOptions>? configure = null, Action<KubernetesSecretsBuilder>? shared = null)
        => _secrets.Build(secrets =>
        {
            shared?.Invoke(secrets);
            secrets.FromVolume(root, configure);
        });

    public LogCapture Logs => _secrets.Logs;

    public IConfigurationRoot Root => _secrets.Root;

    public SecretsConfigurationProvider Provider => _secrets.Provider;

    public int Reloads => _secrets.Reloads;

    public Dictionary<string, string?> Snapshot() => _secrets.Snapshot();

    public void Dispose() => _secrets.Dispose();
}
