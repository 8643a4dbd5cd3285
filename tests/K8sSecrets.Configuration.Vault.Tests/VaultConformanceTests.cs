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
            vault.UseKubernetesAuth("payments", jwtPath: store.JwtPath);
            vault.Secret(Store.Path);
            vault.PollInterval = TimeSpan.FromMilliseconds(100);
            options(vault);
        });

    /// <remarks>
    /// A failed login at start-up is reported as "Vault answered 503 ... to the Kubernetes auth (role
    /// 'payments', mount 'kubernetes') login": with two Vault sources a reader cannot tell which
    /// Vault failed. The message should name the source (its address, and the paths it reads).
    /// </remarks>
    [Fact(Skip = "src: a Vault login failure at Build() names neither the Vault address nor the source's paths (VaultErrors / VaultTokenSession); un-skip once it does.")]
    public override Task A_required_source_that_cannot_be_read_fails_Build_naming_the_source()
        => base.A_required_source_that_cannot_be_read_fails_Build_naming_the_source();

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
