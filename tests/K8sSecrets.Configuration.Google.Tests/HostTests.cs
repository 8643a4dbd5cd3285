using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task A_rotation_reaches_IOptionsMonitor_once_in_a_real_host_and_stopping_ends_the_polling()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-config", """{"Username":"app","Password":"one"}""");
        h.Store.AddVersion("db-password", "unused");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(secrets => h.Configure(secrets, gcp =>
        {
            gcp.PollInterval = TimeSpan.FromMinutes(2);
            gcp.Secret("db-config", section: "Database");
        }));
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
        using var host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        var seen = new ConcurrentQueue<string?>();
        using var subscription = monitor.OnChange(o => seen.Enqueue(o.Password));
        Assert.Equal("one", monitor.CurrentValue.Password);

        h.Store.AddVersion("db-config", """{"Username":"app","Password":"two"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));

        Assert.Equal("two", monitor.CurrentValue.Password);
        Assert.Equal(["two"], seen);

        await host.StopAsync();
        ((IDisposable)builder.Configuration).Dispose();
        var after = h.Store.Requests.Count;
        h.Clock.Fake.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, h.Clock.Waiting);
        Assert.Equal(after, h.Store.Requests.Count);
    }

    [Fact]
    public void FromGoogleSecretManager_checks_its_arguments()
    {
        new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => GoogleSecretManagerKubernetesSecretsBuilderExtensions.FromGoogleSecretManager(null!, _ => { })).ParamName);
            Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => secrets.FromGoogleSecretManager(null!)).ParamName);
            Assert.Throws<InvalidOperationException>(() => secrets.FromGoogleSecretManager(g => g.ProjectId = "p"));
            Assert.Equal("PollInterval", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromGoogleSecretManager(g =>
            {
                g.PollInterval = TimeSpan.Zero;
                g.Secret("a");
            })).ParamName);
            Assert.Equal("MaxConcurrentRequests", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromGoogleSecretManager(g =>
            {
                g.MaxConcurrentRequests = 0;
                g.Secret("a");
            })).ParamName);
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => secrets.FromGoogleSecretManager(g => g.Secret("db/../x"))).ParamName);
            Assert.Equal("section", Assert.Throws<ArgumentException>(() => secrets.FromGoogleSecretManager(g => g.Secret("db", key: "K", section: "S"))).ParamName);
            Assert.Equal("version", Assert.Throws<ArgumentException>(() => secrets.FromGoogleSecretManager(g => g.Secret("db", version: "0"))).ParamName);
            Assert.Equal("key", Assert.Throws<ArgumentException>(() => secrets.FromGoogleSecretManager(g => g.SecretsWithLabel("App", "x"))).ParamName);
            Assert.Equal("ProjectId", Assert.Throws<ArgumentException>(() => secrets.FromGoogleSecretManager(g =>
            {
                g.ProjectId = "projects/x?y";
                g.Secret("a");
            })).ParamName);
        });
    }

    public sealed class DatabaseOptions
    {
        public string? Username { get; set; }

        public string? Password { get; set; }
    }
}
