using System.Globalization;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using K8sSecrets.Configuration.Azure.Tests;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>
/// The fake Key Vault (https loopback) holding the fleet's secrets, with the vault's 4,000 transactions per
/// 10 s enforced on the fleet clock; each client is a <c>FromAzureKeyVault</c> source with its own
/// <see cref="SecretClient"/> and its own connection pool.
/// </summary>
internal sealed class AzureFleetStore : ICloudFleetStore
{
    private readonly FakeKeyVault _vault;
    private readonly int _secrets;
    private readonly TimeSpan _poll;

    private AzureFleetStore(FakeKeyVault vault, int secrets, TimeSpan poll)
    {
        _vault = vault;
        _secrets = secrets;
        _poll = poll;
    }

    public string Store => "Azure Key Vault";

    public string WatchedKey => "App:Secret000";

    public IReadOnlyList<(string Operation, QuotaWindow Quota)> Quotas => [("transactions", _vault.Quota!.Window)];

    public long Requests => _vault.Requests.Count;

    /// <summary>List pages of 25, then one GET per secret.</summary>
    public IReadOnlyList<int> ColdLoadCalls => [((_secrets + 24) / 25) + _secrets];

    public string Settings => string.Create(CultureInfo.InvariantCulture, $"every secret of the vault (list + GETs), MaxParallelism {K8sSecrets.Configuration.Azure.AzureKeyVaultOptions.DefaultMaxParallelism}");

    public static async Task<ICloudFleetStore> StartAsync(FleetClock clock, int secrets, TimeSpan poll)
    {
        var vault = await FakeKeyVault.StartAsync(clock.Time);
        for (var i = 0; i < secrets; i++)
        {
            vault.Put(string.Create(CultureInfo.InvariantCulture, $"App--Secret{i:000}"), $"value-{i}");
        }

        vault.Quota = new KeyVaultQuota(clock.Time);
        return new AzureFleetStore(vault, secrets, poll);
    }

    public void Configure(KubernetesSecretsBuilder secrets, int client)
    {
        var options = new SecretClientOptions
        {
            Transport = new HttpClientTransport(TestCertificate.TrustingHandler()),
            DisableChallengeResourceVerification = true,
        };
        secrets.FromAzureKeyVault(kv =>
        {
            kv.VaultUri = _vault.Address;
            kv.Credential = new FakeCredential();
            kv.ClientOptions = options;
            kv.PollInterval = _poll;
        });
    }

    public void Write(string value) => _vault.Put("App--Secret000", value);

    public ValueTask DisposeAsync() => _vault.DisposeAsync();
}
