using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>The shared source checks, for every secret of the fake Key Vault on https, read with the real <c>SecretClient</c>.</summary>
public sealed class AzureConformanceTests : SecretSourceConformanceTests<AzureConformanceTests.Store>
{
    protected override async Task<Store> StartStoreAsync()
    {
        var vaultClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        return new Store(await FakeKeyVault.StartAsync(vaultClock), vaultClock);
    }

    protected override void Configure(KubernetesSecretsBuilder secrets, Store store, Action<SecretSourceOptions> options)
        => secrets.FromAzureKeyVault(kv =>
        {
            kv.VaultUri = store.Vault.Address;
            kv.Credential = new FakeCredential();
            kv.ClientOptions = KeyVaultHarness.ClientOptions();
            kv.PollInterval = TimeSpan.FromMilliseconds(100);
            options(kv);
        });

    /// <summary>
    /// One Key Vault secret per name; an outage is every call answered 503. The vault's own clock
    /// moves a second per write, so each version's <c>updated</c> (whole seconds, as the service
    /// keeps it) differs from the last one's.
    /// </summary>
    public sealed class Store(FakeKeyVault vault, FakeTimeProvider vaultClock) : IConformanceStore
    {
        public FakeKeyVault Vault { get; } = vault;

        public string SourceName => Vault.Address.Host;

        public int Requests => Vault.Requests.Count;

        public Task SetAsync(string name, string value)
        {
            vaultClock.Advance(TimeSpan.FromSeconds(1));
            Vault.Put(name, value);
            return Task.CompletedTask;
        }

        public Task RemoveAsync(string name)
        {
            Vault.Delete(name);
            return Task.CompletedTask;
        }

        public Task BreakAsync()
        {
            Vault.Outage = new KeyVaultFault(503, """{"error":{"code":"ServiceUnavailable","message":"The service is unavailable."}}""");
            return Task.CompletedTask;
        }

        public Task HealAsync()
        {
            Vault.Outage = null;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => Vault.DisposeAsync();
    }
}
