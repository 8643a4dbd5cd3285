using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Options.Tests;

/// <summary>Secrets that reach the app through <c>AddConfiguration(secretsRoot)</c> (a chained provider).</summary>
[Collection(RestartMetric.Collection)]
public sealed class ChainedConfigurationTests
{
    private const string Sentinel = "SENTINEL-7c2a-chained-do-not-show";

    [Fact]
    public void The_debug_view_masks_secrets_served_through_a_chained_configuration()
    {
        using var volume = new KubeletVolume();
        volume.Write(("Password", Sentinel), ("Overridden", Sentinel + "-old"));
        using var secrets = (IDisposable)new ConfigurationBuilder()
            .AddKubernetesSecrets(s => s.FromVolume(volume.Root, v => v.Section = "Database"))
            .Build();
        var inner = new ConfigurationBuilder().AddConfiguration((IConfigurationRoot)secrets).Build();
        var root = new ConfigurationBuilder()
            .AddConfiguration(inner)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Database:Overridden"] = "plain" })
            .Build();

        var view = root.GetSecretsDebugView();

        Assert.DoesNotContain(Sentinel, view, StringComparison.Ordinal);
        var lines = view.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith($"Password=[secret, {Sentinel.Length} chars] (Microsoft.Extensions.Configuration.ChainedConfigurationProvider)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Overridden=plain (MemoryConfigurationProvider)", StringComparison.Ordinal));
        Assert.Same(root.GetSecretsProviders().Single(), root.GetSecretsProviderFor("Database:Password"));
        Assert.Null(root.GetSecretsProviderFor("Database:Overridden"));
        Assert.Null(root.GetSecretsProviderFor("Database:Absent"));
    }

    [Fact]
    public async Task RestartWhenChanged_fires_for_secrets_served_through_a_chained_configuration()
    {
        using var volume = new KubeletVolume();
        volume.Write(("ConnectionString", "Host=db-a"));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var logs = new LogCapture();
        using var secrets = (IDisposable)new ConfigurationBuilder()
            .AddKubernetesSecrets(s =>
            {
                s.LoggerFactory = logs.Factory;
                s.TimeProvider = clock;
                s.FromVolume(volume.Root, v =>
                {
                    v.Section = "Database";
                    v.ReloadOnChange = false;
                });
                s.RestartWhenChanged("Database:ConnectionString");
            })
            .Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration((IConfigurationRoot)secrets);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton(logs.Factory);
        builder.Services.AddSecretsRestartFallback(o => o.MinDelay = o.MaxDelay = TimeSpan.FromMinutes(1));
        using var host = builder.Build();
        await host.StartAsync();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());

        volume.Write(("ConnectionString", "Host=db-b"));
        Assert.True(await ((IConfigurationRoot)secrets).GetSecretsProviders().Single().RefreshAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(1));

        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(logs.Records, r => r.Id.Name == "RestartWatching");
        Assert.Contains(logs.Records, r => r.Id.Name == "RestartStopping");
    }
}
