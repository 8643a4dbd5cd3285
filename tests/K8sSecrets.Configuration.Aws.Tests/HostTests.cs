using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Aws.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task A_rotation_reaches_IOptionsMonitor_once_in_a_real_host_and_stopping_the_host_ends_the_polling()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/payments/db", """{"Username":"app","Password":"one"}""");
        h.Fake.Put("prod/payments/api-key", "key-1");
        await using var app = await OptionsMonitorHost.StartAsync(secrets => h.Configure(secrets, aws =>
        {
            aws.PollInterval = TimeSpan.FromMinutes(5);
            aws.Secret("prod/payments/db", section: "Database");
            aws.Secret("prod/payments/api-key", key: "Payments:ApiKey");
        }));
        Assert.Equal("one", app.Current.Password);

        // A rotation, as Secrets Manager does it: a new AWSCURRENT version.
        h.Fake.Put("prod/payments/db", """{"Username":"app","Password":"two"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(1));

        Assert.Equal("two", app.Current.Password);
        Assert.Equal(["two"], app.Passwords);
        Assert.Equal("key-1", app.Configuration["Payments:ApiKey"]);

        await app.StopAsync();
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
}
