using System.Text.Json.Nodes;
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
    public sealed class Store : IConformanceStore
    {
        public const string Path = "secret/app";
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private readonly TempFolder _folder = new();

        public Store(FakeVault vault)
        {
            Vault = vault;
            JwtPath = _folder.Write("token", VaultHarness.Jwt + "\n");
        }

        public FakeVault Vault { get; }

        public string JwtPath { get; }

        public string SourceName => Vault.Address.GetLeftPart(UriPartial.Authority);

        public int Requests => Vault.Requests.Count;

        public Task SetAsync(string name, string value)
        {
            _values[name] = value;
            Put();
            return Task.CompletedTask;
        }

        public Task RemoveAsync(string name)
        {
            _values.Remove(name);
            Put();
            return Task.CompletedTask;
        }

        public Task BreakAsync()
        {
            Vault.Sealed = true;
            return Task.CompletedTask;
        }

        public Task HealAsync()
        {
            Vault.Sealed = false;
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            await Vault.DisposeAsync();
            _folder.Dispose();
        }

        private void Put() => Vault.PutKv2("app", new JsonObject(_values.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))).ToJsonString());
    }
}
