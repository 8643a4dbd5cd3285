using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>
/// The shared source checks, for the secrets of the fake Secret Manager that carry one label, with
/// tokens from the fake metadata server through the real Google.Apis.Auth <c>ComputeCredential</c>.
/// </summary>
public sealed class GoogleConformanceTests : SecretSourceConformanceTests<GoogleConformanceTests.Store>
{
    protected override async Task<Store> StartStoreAsync()
    {
        var metadata = await FakeMetadataServer.StartAsync();
        return new Store(metadata, await FakeSecretManager.StartAsync(metadata.IsValid));
    }

    protected override void Configure(KubernetesSecretsBuilder secrets, Store store, Action<SecretSourceOptions> options)
        => secrets.FromGoogleSecretManager(gcp =>
        {
            gcp.ProjectId = FakeSecretManager.Project;
            gcp.Credential = new global::Google.Apis.Auth.OAuth2.ComputeCredential(new(store.Metadata.TokenUrl));
            gcp.Endpoint = store.SecretManager.Address;
            gcp.SecretsWithLabel(Store.Label, Store.LabelValue);
            gcp.PollInterval = TimeSpan.FromMilliseconds(100);
            options(gcp);
        });

    /// <summary>One secret per name, labelled <c>app=conformance</c>; an outage is every call answered 503 UNAVAILABLE.</summary>
    public sealed class Store(FakeMetadataServer metadata, FakeSecretManager secretManager) : IConformanceStore
    {
        public const string Label = "app";
        public const string LabelValue = "conformance";

        public FakeMetadataServer Metadata { get; } = metadata;

        public FakeSecretManager SecretManager { get; } = secretManager;

        public string SourceName => FakeSecretManager.Project;

        public int Requests => SecretManager.Requests.Count + Metadata.TokenRequests;

        public Task SetAsync(string name, string value)
        {
            SecretManager.AddVersion(name, value);
            SecretManager.SetLabel(name, Label, LabelValue);
            return Task.CompletedTask;
        }

        public Task RemoveAsync(string name)
        {
            SecretManager.Delete(name);
            return Task.CompletedTask;
        }

        public Task BreakAsync()
        {
            SecretManager.Outage = new GsmFault(503, "UNAVAILABLE");
            return Task.CompletedTask;
        }

        public Task HealAsync()
        {
            SecretManager.Outage = null;
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            await SecretManager.DisposeAsync();
            await Metadata.DisposeAsync();
        }
    }
}
