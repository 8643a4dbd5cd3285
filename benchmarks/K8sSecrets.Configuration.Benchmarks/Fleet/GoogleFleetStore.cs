using System.Globalization;
using Google.Apis.Auth.OAuth2;
using K8sSecrets.Configuration.Google.Tests;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>
/// The fake Secret Manager holding the fleet's secrets, with the project's quotas enforced on the fleet
/// clock (access 90,000 a minute, read 600 a minute); each client is a <c>FromGoogleSecretManager</c>
/// source naming every secret, with its own metadata-server credential and HTTP handler.
/// </summary>
internal sealed class GoogleFleetStore : ICloudFleetStore
{
    private readonly FakeMetadataServer _metadata;
    private readonly FakeSecretManager _store;
    private readonly int _secrets;
    private readonly TimeSpan _poll;

    private GoogleFleetStore(FakeMetadataServer metadata, FakeSecretManager store, int secrets, TimeSpan poll)
    {
        _metadata = metadata;
        _store = store;
        _secrets = secrets;
        _poll = poll;
    }

    public string Store => "Google Secret Manager";

    public string WatchedKey => "secret-000";

    public IReadOnlyList<(string Operation, QuotaWindow Quota)> Quotas =>
        [("access", _store.Quota!.Access), ("read (metadata)", _store.Quota!.Read)];

    public long Requests => _store.Requests.Count;

    /// <summary>One access per secret; no metadata read (expireTime is read only when asked for).</summary>
    public IReadOnlyList<int> ColdLoadCalls => [_secrets, 0];

    public string Settings => $"{_secrets} named secrets (one access each), MaxConcurrentRequests 10";

    public static async Task<ICloudFleetStore> StartAsync(FleetClock clock, int secrets, TimeSpan poll)
    {
        var metadata = await FakeMetadataServer.StartAsync();
        var store = await FakeSecretManager.StartAsync(metadata.IsValid);
        for (var i = 0; i < secrets; i++)
        {
            store.AddVersion(Name(i), $"value-{i}");
        }

        store.Quota = new SecretManagerQuota(clock.Time);
        return new GoogleFleetStore(metadata, store, secrets, poll);
    }

    public void Configure(KubernetesSecretsBuilder secrets, int client)
    {
        secrets.FromGoogleSecretManager(gcp =>
        {
            gcp.ProjectId = FakeSecretManager.Project;
            gcp.Credential = new ComputeCredential(new ComputeCredential.Initializer(_metadata.TokenUrl));
            gcp.Endpoint = _store.Address;
            gcp.PollInterval = _poll;
            for (var i = 0; i < _secrets; i++)
            {
                gcp.Secret(Name(i));
            }
        });
    }

    public void Write(string value) => _store.AddVersion(Name(0), value);

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await _metadata.DisposeAsync();
    }

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"secret-{i:000}");
}
