using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A real, started Host whose configuration holds the secrets a test sets up, with
/// <see cref="DatabaseOptions"/> bound below <c>Database</c> and every password that
/// <see cref="IOptionsMonitor{TOptions}"/> reports recorded: how an app sees a rotation.
/// </summary>
public sealed class OptionsMonitorHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ConfigurationManager _configuration;
    private readonly IOptionsMonitor<DatabaseOptions> _monitor;
    private readonly ConcurrentQueue<string?> _passwords = new();
    private readonly IDisposable? _subscription;
    private bool _configurationDisposed;

    private OptionsMonitorHost(IHost host, ConfigurationManager configuration)
    {
        _host = host;
        _configuration = configuration;
        _monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        _subscription = _monitor.OnChange(o => _passwords.Enqueue(o.Password));
    }

    /// <summary>Gets the host's configuration.</summary>
    public IConfiguration Configuration => _configuration;

    /// <summary>Gets the options as the monitor shows them now.</summary>
    public DatabaseOptions Current => _monitor.CurrentValue;

    /// <summary>Gets every password the monitor reported a change with, in order.</summary>
    public IReadOnlyList<string?> Passwords => [.. _passwords];

    /// <summary>Builds and starts a host whose configuration adds the secrets as <paramref name="secrets"/> sets them up.</summary>
    public static async Task<OptionsMonitorHost> StartAsync(Action<KubernetesSecretsBuilder> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(secrets);
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
        var host = builder.Build();
        await host.StartAsync();
        return new OptionsMonitorHost(host, builder.Configuration);
    }

    /// <summary>Stops the host and disposes its configuration (and so the secret sources), as an app shutting down does.</summary>
    public async Task StopAsync()
    {
        await _host.StopAsync();
        DisposeConfiguration();
    }

    public ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _host.Dispose();
        DisposeConfiguration();
        return ValueTask.CompletedTask;
    }

    private void DisposeConfiguration()
    {
        if (!_configurationDisposed)
        {
            _configurationDisposed = true;
            ((IDisposable)_configuration).Dispose();
        }
    }
}
