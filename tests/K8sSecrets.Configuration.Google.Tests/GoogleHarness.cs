using Google.Apis.Auth.OAuth2;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>
/// One test's world: a fake metadata server issuing tokens through the real Google.Apis.Auth
/// <see cref="ComputeCredential"/>, a fake Secret Manager that accepts only those tokens, a fake
/// clock shared with the engine, and captured logs.
/// </summary>
public sealed class GoogleHarness : IAsyncDisposable
{
    private readonly SecretsHarness _secrets = new();

    private GoogleHarness(FakeMetadataServer metadata, FakeSecretManager store)
    {
        Metadata = metadata;
        Store = store;
    }

    public TestClock Clock { get; } = new();

    public FakeMetadataServer Metadata { get; }

    public FakeSecretManager Store { get; }

    public LogCapture Logs => _secrets.Logs;

    public static async Task<GoogleHarness> StartAsync()
    {
        var metadata = await FakeMetadataServer.StartAsync();
        return new GoogleHarness(metadata, await FakeSecretManager.StartAsync(metadata.IsValid));
    }

    /// <summary>The metadata server's credential, as ADC builds it on GKE (here with the fake's token URL).</summary>
    public ComputeCredential WorkloadIdentity() => new(new ComputeCredential.Initializer(Metadata.TokenUrl));

    public IConfigurationRoot Build(Action<GoogleSecretManagerOptions> configure)
        => _secrets.Build(secrets => Configure(secrets, configure));

    public void Configure(KubernetesSecretsBuilder secrets, Action<GoogleSecretManagerOptions> configure)
    {
        secrets.TimeProvider = Clock;
        secrets.LoggerFactory = Logs.Factory;
        secrets.FromGoogleSecretManager(gcp =>
        {
            gcp.ProjectId = FakeSecretManager.Project;
            gcp.Credential = WorkloadIdentity();
            gcp.Endpoint = Store.Address;
            configure(gcp);
        });
    }

    public static SecretsConfigurationProvider Provider(IConfigurationRoot config) => config.Providers.OfType<SecretsConfigurationProvider>().Single();

    public async ValueTask DisposeAsync()
    {
        _secrets.Dispose();
        await Store.DisposeAsync();
        await Metadata.DisposeAsync();
    }
}
