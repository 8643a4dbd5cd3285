using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Vault.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task A_kv_rotation_reaches_IOptionsMonitor_once_in_a_real_host_and_stopping_the_host_ends_the_polling()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("payments/db", """{"username":"app","password":"one"}""");
        h.Vault.PutKv1("kv/payments/flags", """{"beta":"false"}""");
        await using var app = await OptionsMonitorHost.StartAsync(secrets => h.Configure(secrets, v =>
        {
            v.PollInterval = TimeSpan.FromMinutes(2);
            v.Secret("secret/payments/db", section: "Database").Secret("kv/payments/flags", section: "Flags");
        }));
        Assert.Equal("one", app.Current.Password);
        Assert.Equal("false", app.Configuration["Flags:beta"]);

        h.Vault.PutKv2("payments/db", """{"username":"app","password":"two"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));

        Assert.Equal("two", app.Current.Password);
        Assert.Equal(["two"], app.Passwords);

        await app.StopAsync();
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
}
