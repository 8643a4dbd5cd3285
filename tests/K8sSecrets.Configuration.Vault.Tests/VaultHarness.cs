using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Vault.Tests;

/// <summary>One test's world: a fake Vault, a fake clock the engine and Vault share, captured logs, a service-account token file.</summary>
public sealed class VaultHarness : IAsyncDisposable
{
    public const string Jwt = "eyJhbGciOiJSUzI1NiJ9.jwt-one-SENTINEL-JWT";

    private readonly SecretsHarness _secrets = new();
    private readonly TempFolder _folder = new();

    private VaultHarness(FakeVault vault, TestClock clock)
    {
        Vault = vault;
        Clock = clock;
        JwtPath = _folder.Write("token", Jwt + "\n");
    }

    public TestClock Clock { get; }

    public FakeVault Vault { get; }

    public LogCapture Logs => _secrets.Logs;

    public string JwtPath { get; }

    public string Folder => _folder.Root;

    public static async Task<VaultHarness> StartAsync()
    {
        var clock = new TestClock();
        // Vault keeps its own time: a wall-clock step on the app's machine does not move it.
        return new VaultHarness(await FakeVault.StartAsync(clock.Fake), clock);
    }

    /// <summary>Builds configuration with one Vault source using Kubernetes auth, unless <paramref name="configure"/> picks another.</summary>
    public IConfigurationRoot Build(Action<VaultSecretOptions> configure)
        => _secrets.Build(secrets => Configure(secrets, configure));

    public void Configure(KubernetesSecretsBuilder secrets, Action<VaultSecretOptions> configure)
    {
        secrets.TimeProvider = Clock;
        secrets.LoggerFactory = Logs.Factory;
        secrets.FromVault(vault =>
        {
            vault.Address = Vault.Address;
            vault.UseKubernetesAuth("payments", "kubernetes", JwtPath);
            configure(vault);
        });
    }

    public async ValueTask DisposeAsync()
    {
        _secrets.Dispose();
        await Vault.DisposeAsync();
        _folder.Dispose();
    }
}
