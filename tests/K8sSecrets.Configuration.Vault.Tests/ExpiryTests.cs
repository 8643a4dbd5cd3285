using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Vault.Tests;

/// <summary>The lease and token ends Vault reports reach the engine's health, and move with renewals.</summary>
public sealed class ExpiryTests
{
    [Fact]
    public async Task The_lease_and_token_ends_are_reported_on_the_wall_clock_and_move_when_renewed()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.LeaseTtl = TimeSpan.FromMinutes(30);
        h.Vault.LeaseMaxTtl = TimeSpan.FromHours(10);
        var root = h.Build(v => v.Secret("database/creds/payments-ro", section: "Db"));
        var provider = root.Providers.OfType<SecretsConfigurationProvider>().Single();
        var start = h.Clock.GetUtcNow();

        var health = provider.GetHealth();
        var lease = Assert.Single(health.Expiries, e => e.Name == "vault lease of database/creds/payments-ro");
        Assert.Equal(SecretExpiryKind.Expires, lease.Kind);
        Assert.Equal(start + TimeSpan.FromMinutes(30), lease.At);
        Assert.Contains(health.Expiries, e => e.Name == "vault token" && e.At == start + TimeSpan.FromHours(1));
        var audit = Assert.Single(h.Logs.Records, r => r.Category == SecretsConfigurationProvider.AuditCategory);
        Assert.StartsWith("Vault Kubernetes auth (role '", audit.StructuredState!.Single(p => p.Key == "Identity").Value, StringComparison.Ordinal);

        // The renewal at 20 minutes gives another 30: the reported end moves to 50.
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(5));
        await Eventually.HoldsAsync(
            () => provider.GetHealth().Expiries.Any(e => e.Name.StartsWith("vault lease", StringComparison.Ordinal) && e.At >= start + TimeSpan.FromMinutes(50)),
            "the renewed lease end is reported");
    }
}
