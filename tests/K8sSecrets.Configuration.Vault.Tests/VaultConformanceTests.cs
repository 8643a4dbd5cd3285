using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Vault.Tests;

/// <summary>The shared source checks, for one KV v2 path of the fake Vault, with Kubernetes auth.</summary>
public sealed class VaultConformanceTests : SecretSourceConformanceTests<VaultConformanceTests.Store>
{
    protected override async Task<Store> StartStoreAsync() => new(await FakeVault.StartAsync(TimeProvider.System));

    protected override void Configure(KubernetesSecretsBuilder secrets, Store store, Action<SecretSourceOptions> options)
        => secrets.FromVault(vault =>
        {
            vault.Address = store.Vault.Address;
            vault.UseKubernetesAuth("payments", "kubernetes", store.JwtPath);
            vault.Secret(Store.Path);
            vault.PollInterval = TimeSpan.FromMilliseconds(100);
            options(vault);
        });

    /// <summary>The KV v2 secret <c>secret/app</c>; an outage is a sealed Vault.</summary>
    public sealed class Store : WholeMapStore
    {
        public const string Path = "secret/app";
        private readonly TempFolder _folder = new();

        public Store(FakeVault vault)
        {
            Vault = vault;
            JwtPath = _folder.Write("token", VaultHarness.Jwt + "\n");
        }

        public FakeVault Vault { get; }

        public string JwtPath { get; }

        public override string SourceName => Vault.Address.GetLeftPart(UriPartial.Authority);

        public override int Requests => Vault.Requests.Count;

        public override Task BreakAsync()
        {
            Vault.Sealed = true;
            return Task.CompletedTask;
        }

        public override Task HealAsync()
        {
            Vault.Sealed = false;
            return Task.CompletedTask;
        }

        public override async ValueTask DisposeAsync()
        {
            await Vault.DisposeAsync();
            _folder.Dispose();
        }

        protected override void Write(IReadOnlyDictionary<string, string> values) => Vault.PutKv2("app", ToJson(values));
    }
}
