using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>
/// One test's world: a fake Key Vault on https loopback, the real <see cref="SecretClient"/> pointed at
/// it (trusting only the test certificate), a fake credential, a fake clock the engine and the vault
/// share, and captured logs.
/// </summary>
public sealed class KeyVaultHarness : IAsyncDisposable
{
    private readonly SecretsHarness _secrets = new();

    private KeyVaultHarness(FakeKeyVault vault, TestClock clock)
    {
        Vault = vault;
        Clock = clock;
    }

    public TestClock Clock { get; }

    public FakeKeyVault Vault { get; }

    public FakeCredential Credential { get; } = new();

    public LogCapture Logs => _secrets.Logs;

    public static async Task<KeyVaultHarness> StartAsync()
    {
        var clock = new TestClock();
        return new KeyVaultHarness(await FakeKeyVault.StartAsync(clock), clock);
    }

    /// <summary>Client options that reach the fake: its certificate trusted, the challenge resource not matched to 127.0.0.1, quick retries.</summary>
    public static SecretClientOptions ClientOptions()
    {
        var options = new SecretClientOptions
        {
            Transport = new HttpClientTransport(TestCertificate.TrustingHandler()),
            DisableChallengeResourceVerification = true,
        };
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    public IConfigurationRoot Build(Action<AzureKeyVaultOptions>? configure = null)
        => _secrets.Build(secrets => Configure(secrets, configure));

    public void Configure(KubernetesSecretsBuilder secrets, Action<AzureKeyVaultOptions>? configure = null)
    {
        secrets.TimeProvider = Clock;
        secrets.LoggerFactory = Logs.Factory;
        secrets.FromAzureKeyVault(kv =>
        {
            kv.VaultUri = Vault.Address;
            kv.Credential = Credential;
            kv.ClientOptions = ClientOptions();
            configure?.Invoke(kv);
        });
    }

    /// <summary>Builds through the same factory as <c>FromAzureKeyVault</c>, keeping the source to read its expiry.</summary>
    internal (IConfigurationRoot Config, AzureKeyVaultSecretSource Source) BuildWithSource(Action<AzureKeyVaultOptions>? configure = null)
    {
        AzureKeyVaultSecretSource? source = null;
        var options = new AzureKeyVaultOptions { VaultUri = Vault.Address, Credential = Credential, ClientOptions = ClientOptions() };
        configure?.Invoke(options);
        var config = _secrets.Build(secrets =>
        {
            secrets.TimeProvider = Clock;
            secrets.AddSource(context => source = Microsoft.Extensions.Configuration.AzureKeyVaultSecretsBuilderExtensions.CreateSource(options, context));
        });
        return (config, source!);
    }

    public async ValueTask DisposeAsync()
    {
        _secrets.Dispose();
        await Vault.DisposeAsync();
    }
}
