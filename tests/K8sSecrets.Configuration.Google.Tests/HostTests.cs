using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task A_rotation_reaches_IOptionsMonitor_once_in_a_real_host_and_stopping_ends_the_polling()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-config", """{"Username":"app","Password":"one"}""");
        h.Store.AddVersion("db-password", "unused");
        await using var app = await OptionsMonitorHost.StartAsync(secrets => h.Configure(secrets, gcp =>
        {
            gcp.PollInterval = TimeSpan.FromMinutes(2);
            gcp.Secret("db-config", section: "Database");
        }));
        Assert.Equal("one", app.Current.Password);

        h.Store.AddVersion("db-config", """{"Username":"app","Password":"two"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));

        Assert.Equal("two", app.Current.Password);
        Assert.Equal(["two"], app.Passwords);

        await app.StopAsync();
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
}
