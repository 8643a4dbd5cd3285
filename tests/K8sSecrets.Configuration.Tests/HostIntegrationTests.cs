using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Tests;

public sealed class HostIntegrationTests
{
    public sealed class DbOptions
    {
        public string? User { get; set; }

        public string? Password { get; set; }
    }

    [Fact]
    public async Task IOptionsMonitor_sees_each_rotation_once_and_host_disposal_stops_the_engine()
    {
        using var volume = new KubeletVolume();
        volume.Write(("User", "app"), ("Password", "p0"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(secrets => secrets.FromVolume(volume.Root, v => v.Section = "Database"));
        builder.Services.Configure<DbOptions>(builder.Configuration.GetSection("Database"));
        var host = builder.Build();
        var provider = ((IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>()).Providers.OfType<SecretsConfigurationProvider>().Single();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DbOptions>>();
        var changes = new List<string?>();
        using var subscription = monitor.OnChange(o =>
        {
            lock (changes)
            {
                changes.Add(o.Password);
            }
        });
        Assert.Equal("p0", monitor.CurrentValue.Password);

        volume.Write(("User", "app"), ("Password", "p1"));
        await Eventually.HoldsAsync(() => monitor.CurrentValue.Password == "p1", "the rotation reaches IOptionsMonitor");
        Assert.False(volume.Write(("User", "app"), ("Password", "p1")));
        volume.Write(("User", "app"), ("Password", "p2"));
        await Eventually.HoldsAsync(() => monitor.CurrentValue.Password == "p2", "the second rotation reaches IOptionsMonitor");
        await Eventually.HoldsAsync(() => { lock (changes) { return changes.Count == 2; } }, "two OnChange calls were made");
        lock (changes)
        {
            Assert.Equal(["p1", "p2"], changes);
        }

        host.Dispose();
        Assert.True(provider.Completion.IsCompleted);
        volume.Write(("User", "app"), ("Password", "p3"));
        await Task.Delay(100);
        lock (changes)
        {
            Assert.Equal(2, changes.Count);
        }
    }
}
