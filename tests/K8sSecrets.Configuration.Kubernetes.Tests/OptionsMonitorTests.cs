using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static K8sSecrets.Configuration.Kubernetes.Tests.ApiHarness;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>Rotation through a real generic Host and IOptionsMonitor.</summary>
public sealed class OptionsMonitorTests
{
    public sealed class DbOptions
    {
        public string? Password { get; set; }

        public string? User { get; set; }
    }

    [Fact]
    public async Task Options_monitor_sees_a_rotated_secret_once()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("Db__Password", "one"), ("Db__User", "admin"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(secrets =>
        {
            secrets.LoggerFactory = h.Logs.Factory;
            secrets.FromApi(o =>
            {
                h.Fast(o);
                o.SecretNames.Add("db");
            });
        });
        builder.Services.Configure<DbOptions>(builder.Configuration.GetSection("Db"));
        using var host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DbOptions>>();
        Assert.Equal("one", monitor.CurrentValue.Password);
        var seen = new List<string?>();
        using var subscription = monitor.OnChange(o =>
        {
            lock (seen)
            {
                seen.Add(o.Password);
            }
        });
        await h.WatchingAsync();

        h.Server.Put(Ns, "db", ("Db__Password", Sentinel), ("Db__User", "admin"));

        await Eventually.HoldsAsync(() => monitor.CurrentValue.Password == Sentinel, "the options see the rotated password");
        await Eventually.HoldsAsync(() => { lock (seen) { return seen.Count == 1; } }, "OnChange fired");
        Assert.Equal([Sentinel], seen);
        Assert.Equal("admin", monitor.CurrentValue.User);
        await host.StopAsync();
    }
}
