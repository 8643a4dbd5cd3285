using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Hosting;

/// <summary>
/// Attaches the host's logger factory to every secrets provider of the app's configuration (chained
/// ones included) as the host starts, before any hosted service's StartAsync; each replays what it
/// logged before the host existed.
/// </summary>
internal sealed class SecretsHostLogging(IConfiguration configuration, ILoggerFactory loggerFactory) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in configuration.GetSecretsProviders())
        {
            provider.AttachLoggerFactory(loggerFactory);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
