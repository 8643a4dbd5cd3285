using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Options.Tests;

/// <summary>
/// A real Host over a kubelet-layout volume bound under <c>Database</c>; every log record of the
/// host and of the refresh engine goes to <see cref="Logs"/>.
/// </summary>
internal sealed class RotationHost : IDisposable
{
    private RotationHost(IHost host, LogCapture logs)
    {
        Host = host;
        Logs = logs;
        Root = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        Provider = Root.Providers.OfType<SecretsConfigurationProvider>().Single();
    }

    public IHost Host { get; }

    public LogCapture Logs { get; }

    public IConfigurationRoot Root { get; }

    public SecretsConfigurationProvider Provider { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>
    /// Builds (does not start) a host. With <paramref name="watch"/> false the volume is read only
    /// at start and on <see cref="RotateAsync"/>'s forced refresh, which makes every rotation one
    /// deterministic publish.
    /// </summary>
    public static RotationHost Build(
        string volumeRoot,
        Action<HostApplicationBuilder> configure,
        bool watch = false,
        Action<VolumeSecretOptions>? volume = null,
        Action<KubernetesSecretsBuilder>? secrets = null,
        LogCapture? logs = null)
    {
        logs ??= new LogCapture();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(s =>
        {
            s.LoggerFactory = logs.Factory;
            s.FromVolume(volumeRoot, v =>
            {
                v.Section = "Database";
                v.ReloadOnChange = watch;
                volume?.Invoke(v);
            });
            secrets?.Invoke(s);
        });
        builder.Services.AddSingleton(logs.Factory);
        configure(builder);
        return new RotationHost(builder.Build(), logs);
    }

    /// <summary>Writes a new generation to the volume and forces the engine to read it.</summary>
    public async Task<bool> RotateAsync(KubeletVolume volume, params (string Key, string Value)[] payload)
    {
        volume.Write(payload);
        return await Provider.RefreshAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        Host.Dispose();
        Logs.Dispose();
    }
}
