using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Aws.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task A_rotation_reaches_IOptionsMonitor_once_in_a_real_host_and_stopping_the_host_ends_the_polling()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/payments/db", """{"Username":"app","Password":"one"}""");
        h.Fake.Put("prod/payments/api-key", "key-1");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(secrets => h.Configure(secrets, aws =>
        {
            aws.PollInterval = TimeSpan.FromMinutes(5);
            aws.Secret("prod/payments/db", section: "Database");
            aws.Secret("prod/payments/api-key", key: "Payments:ApiKey");
        }));
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
        using var host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        var seen = new ConcurrentQueue<string?>();
        using var subscription = monitor.OnChange(o => seen.Enqueue(o.Password));
        Assert.Equal("one", monitor.CurrentValue.Password);

        // A rotation, as Secrets Manager does it: a new AWSCURRENT version.
        h.Fake.Put("prod/payments/db", """{"Username":"app","Password":"two"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(1));

        Assert.Equal("two", monitor.CurrentValue.Password);
        Assert.Equal(["two"], seen);
        Assert.Equal("key-1", builder.Configuration["Payments:ApiKey"]);

        await host.StopAsync();
        ((IDisposable)builder.Configuration).Dispose();
        var after = h.Fake.Requests.Count;
        h.Clock.Fake.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, h.Clock.Waiting);
        Assert.Equal(after, h.Fake.Requests.Count);
    }

    [Fact]
    public void FromAwsSecretsManager_checks_its_arguments()
    {
        var builder = new ConfigurationBuilder();
        builder.AddKubernetesSecrets(secrets =>
        {
            Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => AwsSecretsManagerKubernetesSecretsBuilderExtensions.FromAwsSecretsManager(null!, _ => { })).ParamName);
            Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => secrets.FromAwsSecretsManager(null!)).ParamName);
            Assert.Throws<InvalidOperationException>(() => secrets.FromAwsSecretsManager(a => a.Region = "eu-west-1"));
            Assert.Equal("PollInterval", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromAwsSecretsManager(a =>
            {
                a.PollInterval = TimeSpan.Zero;
                a.Secret("x");
            })).ParamName);
            Assert.Equal("PollInterval", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromAwsSecretsManager(a =>
            {
                a.PollInterval = SecretRetryPolicy.LongestWait + TimeSpan.FromSeconds(1);
                a.Secret("x");
            })).ParamName);
            Assert.Equal("section", Assert.Throws<ArgumentException>(() => secrets.FromAwsSecretsManager(a => a.Secret("x", " "))).ParamName);
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => secrets.FromAwsSecretsManager(a => a.Secret(" "))).ParamName);
            Assert.Equal("key", Assert.Throws<ArgumentException>(() => secrets.FromAwsSecretsManager(a => a.Secret("x", section: "S", key: "K"))).ParamName);
            Assert.Equal("prefix", Assert.Throws<ArgumentException>(() => secrets.FromAwsSecretsManager(a => a.SecretsWithPrefix("bad*prefix"))).ParamName);
            Assert.Equal("versionId", Assert.Throws<ArgumentOutOfRangeException>(() => AwsSecretVersion.Id("short")).ParamName);
            Assert.Equal("ServiceUrl", Assert.Throws<ArgumentException>(() => secrets.FromAwsSecretsManager(a =>
            {
                a.ServiceUrl = new Uri("ftp://x");
                a.Secret("x");
            })).ParamName);
        });
    }

    public sealed class DatabaseOptions
    {
        public string? Username { get; set; }

        public string? Password { get; set; }
    }
}
