using K8sSecrets.Configuration.Testing;
using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Vault.Tests;

public sealed class LeaseTests
{
    private const string CredsPath = "database/creds/payments-ro";

    [Fact]
    public async Task A_lease_is_renewed_at_two_thirds_and_rotated_credentials_reach_IOptionsMonitor_before_the_old_lease_expires()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.LeaseTtl = TimeSpan.FromMinutes(30);
        h.Vault.LeaseMaxTtl = TimeSpan.FromMinutes(70);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(secrets => h.Configure(secrets, v => v.Secret(CredsPath, section: "Database:Dynamic")));
        builder.Services.Configure<DbCredentials>(builder.Configuration.GetSection("Database:Dynamic"));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var monitor = host.Services.GetRequiredService<IOptionsMonitor<DbCredentials>>();
            var first = monitor.CurrentValue;
            var firstLease = Assert.Single(h.Vault.Leases());
            var changes = new ConcurrentQueue<(string? User, string? Password, DateTimeOffset At)>();
            using var subscription = monitor.OnChange(o => changes.Enqueue((o.Username, o.Password, h.Clock.GetUtcNow())));

            // Renewals at 20 and 40 minutes get the full 30; at 60 only 10 are left: new credentials are read.
            await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(65), TimeSpan.FromMinutes(5));

            Assert.Equal(3, h.Vault.Count("sys/leases/renew"));
            Assert.Equal(2, h.Vault.Count(CredsPath));
            var change = Assert.Single(changes);
            Assert.NotEqual(first.Username, change.User);
            Assert.Equal(monitor.CurrentValue.Username, change.User);
            Assert.True(change.At < h.Clock.Fake.Start + TimeSpan.FromMinutes(70), "the new credentials arrive while the old lease still works");
            Assert.Equal(firstLease.Id, h.Vault.Requests.First(r => r.Path == "sys/leases/renew").Body.Split('"')[3]);
            Assert.Equal(1, h.Vault.Count("auth/kubernetes/login"));
        }
        finally
        {
            await host.StopAsync();
            ((IDisposable)builder.Configuration).Dispose();
        }
    }

    [Fact]
    public async Task A_lease_that_cannot_be_renewed_is_replaced_by_a_new_read_at_two_thirds()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.LeaseTtl = TimeSpan.FromMinutes(30);
        h.Vault.LeasesRenewable = false;
        var config = h.Build(v => v.Secret(CredsPath, section: "Db"));
        var before = config["Db:username"];

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(5));

        Assert.Equal(0, h.Vault.Count("sys/leases/renew"));
        Assert.Equal(2, h.Vault.Count(CredsPath));
        Assert.NotEqual(before, config["Db:username"]);
    }

    [Fact]
    public async Task A_refused_lease_renewal_reads_new_credentials()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.LeaseTtl = TimeSpan.FromMinutes(30);
        var config = h.Build(v => v.Secret(CredsPath, section: "Db"));
        var before = config["Db:username"];
        h.Vault.Fail("sys/leases/renew", new VaultFault(400, """{"errors":["lease not found"]}"""));

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(5));

        Assert.Equal(2, h.Vault.Count(CredsPath));
        Assert.NotEqual(before, config["Db:username"]);
    }

    [Fact]
    public async Task When_new_credentials_cannot_be_read_the_last_good_ones_stay_and_the_path_is_retried_at_the_poll_interval()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.LeaseTtl = TimeSpan.FromMinutes(30);
        h.Vault.LeaseMaxTtl = TimeSpan.FromMinutes(40);
        var config = h.Build(v => v.Secret(CredsPath, section: "Db"));
        var before = config["Db:username"];
        h.Vault.DeniedPaths.Add(CredsPath);

        // At 20 minutes the renewal is capped; the read of new credentials is refused from then on.
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(1));

        Assert.Equal(before, config["Db:username"]);
        Assert.Equal(1, h.Vault.Count("sys/leases/renew"));
        Assert.InRange(h.Vault.Count(CredsPath), 3, 10);
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("\"read\" capability on \"database/creds/payments-ro\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dynamic_secrets_are_not_polled_like_kv()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.LeaseTtl = TimeSpan.FromHours(3);
        h.Vault.LeaseMaxTtl = TimeSpan.FromHours(6);
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromMinutes(1);
            v.Secret(CredsPath, section: "Db").Secret("secret/app");
        });

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));

        Assert.Equal(1, h.Vault.Count(CredsPath));
        Assert.InRange(h.Vault.Count("secret/data/app"), 10, 12);
    }

    [Fact]
    public async Task A_new_login_reads_leased_paths_again_since_their_leases_die_with_the_old_token()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.TokenTtl = TimeSpan.FromMinutes(60);
        h.Vault.TokenMaxTtl = TimeSpan.FromMinutes(60);
        h.Vault.LeaseTtl = TimeSpan.FromHours(2);
        h.Vault.LeaseMaxTtl = TimeSpan.FromHours(4);
        var config = h.Build(v => v.Secret(CredsPath, section: "Db"));
        var before = config["Db:username"];

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(5));

        Assert.Equal(2, h.Vault.Count("auth/kubernetes/login"));
        var reads = h.Vault.Requests.Where(r => r.Path == CredsPath).ToList();
        Assert.Equal(2, reads.Count);
        Assert.NotEqual(reads[0].Token, reads[1].Token);
        Assert.NotEqual(before, config["Db:username"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Disposal_stops_background_work_and_revokes_leases_only_when_asked(bool revoke)
    {
        await using var h = await VaultHarness.StartAsync();
        var config = h.Build(v =>
        {
            v.RevokeLeasesOnDispose = revoke;
            v.Secret(CredsPath, section: "Db");
        });
        await h.Clock.WaitUntilIdleAsync();

        ((IDisposable)config).Dispose();
        var after = h.Vault.Requests.Count;
        h.Clock.Fake.Advance(TimeSpan.FromHours(5));

        Assert.Equal(0, h.Clock.Waiting);
        Assert.Equal(h.Vault.Requests.Count, after);
        Assert.Equal(revoke, Assert.Single(h.Vault.Leases()).Revoked);
        Assert.Equal(revoke ? 1 : 0, h.Vault.Count("sys/leases/revoke"));
    }

    public sealed class DbCredentials
    {
        public string? Username { get; set; }

        public string? Password { get; set; }
    }
}
