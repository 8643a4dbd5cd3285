using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Vault.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task A_kv_rotation_reaches_IOptionsMonitor_once_in_a_real_host_and_stopping_the_host_ends_the_polling()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("payments/db", """{"username":"app","password":"one"}""");
        h.Vault.PutKv1("kv/payments/flags", """{"beta":"false"}""");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(secrets => h.Configure(secrets, v =>
        {
            v.PollInterval = TimeSpan.FromMinutes(2);
            v.Secret("secret/payments/db", section: "Database").Secret("kv/payments/flags", section: "Flags");
        }));
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
        using var host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        var seen = new ConcurrentQueue<string?>();
        using var subscription = monitor.OnChange(o => seen.Enqueue(o.Password));
        Assert.Equal("one", monitor.CurrentValue.Password);
        Assert.Equal("false", builder.Configuration["Flags:beta"]);

        h.Vault.PutKv2("payments/db", """{"username":"app","password":"two"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));

        Assert.Equal("two", monitor.CurrentValue.Password);
        Assert.Equal(["two"], seen);

        await host.StopAsync();
        ((IDisposable)builder.Configuration).Dispose();
        var after = h.Vault.Requests.Count;
        h.Clock.Fake.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, h.Clock.Waiting);
        Assert.Equal(after, h.Vault.Requests.Count);
    }

    [Fact]
    public void FromVault_checks_its_arguments()
    {
        var builder = new ConfigurationBuilder();
        builder.AddKubernetesSecrets(secrets =>
        {
            Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => VaultKubernetesSecretsBuilderExtensions.FromVault(null!, _ => { })).ParamName);
            Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => secrets.FromVault(null!)).ParamName);
            Assert.Throws<InvalidOperationException>(() => secrets.FromVault(v => v.Address = new Uri("https://vault:8200")));
            Assert.Equal("PollInterval", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromVault(v =>
            {
                v.PollInterval = TimeSpan.Zero;
                v.Secret("secret/app");
            })).ParamName);
            Assert.Equal("version", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromVault(v => v.KvVersion("secret", 3))).ParamName);
            Assert.Equal("version", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromVault(v => v.Secret("secret/app", section: null, version: 0))).ParamName);
            Assert.Equal("role", Assert.Throws<ArgumentException>(() => secrets.FromVault(v => v.UseKubernetesAuth(" "))).ParamName);
        });
    }

    public sealed class DatabaseOptions
    {
        public string? Username { get; set; }

        public string? Password { get; set; }
    }
}
