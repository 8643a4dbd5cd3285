using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>Writes manifests to a temporary folder and builds configuration from them.</summary>
public sealed class Manifest : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("eso-tests-").FullName;
    private readonly List<IConfigurationRoot> _configs = [];

    public string Write(string yaml, string name = "external-secret.yaml")
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    public string Folder => _folder;

    public IConfigurationRoot Build(string path, Action<ExternalSecretOptions> configure, Action<KubernetesSecretsBuilder>? secrets = null)
    {
        var config = new ConfigurationBuilder().AddKubernetesSecrets(s =>
        {
            secrets?.Invoke(s);
            s.FromExternalSecret(path, configure);
        }).Build();
        _configs.Add(config);
        return config;
    }

    /// <summary>Every key and value the configuration holds (sections left out).</summary>
    public static Dictionary<string, string?> Flat(IConfiguration config)
        => config.AsEnumerable().Where(static kv => kv.Value is not null).ToDictionary(static kv => kv.Key, static kv => kv.Value);

    public void Dispose()
    {
        foreach (var config in _configs)
        {
            (config as IDisposable)?.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }
}
