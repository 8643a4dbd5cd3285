using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Azure.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task A_rotated_secret_reaches_IOptionsMonitor_once_in_a_real_host_and_disposal_ends_the_polling()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("payments-db-password", "one");
        h.Vault.Put("Database--Username", "app");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(secrets => h.Configure(secrets, kv =>
        {
            kv.PollInterval = TimeSpan.FromMinutes(5);
            kv.Secret("payments-db-password", key: "Database:Password");
            kv.Secret("Database--Username");
        }));
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
        using var host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        var seen = new ConcurrentQueue<string?>();
        using var subscription = monitor.OnChange(o => seen.Enqueue(o.Password));
        Assert.Equal("one", monitor.CurrentValue.Password);
        Assert.Equal("app", monitor.CurrentValue.Username);
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        h.Vault.Put("payments-db-password", "two");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(1));

        Assert.Equal("two", monitor.CurrentValue.Password);
        Assert.Equal(["two"], seen);
        Assert.Equal(2, h.Vault.Gets("payments-db-password"));
        Assert.Equal(1, h.Vault.Gets("Database--Username"));

        await host.StopAsync();
        ((IDisposable)builder.Configuration).Dispose();
        var after = h.Vault.Requests.Count;
        h.Clock.Fake.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, h.Clock.Waiting);
        Assert.Equal(after, h.Vault.Requests.Count);
    }

    public sealed class DatabaseOptions
    {
        public string? Username { get; set; }

        public string? Password { get; set; }
    }
}
