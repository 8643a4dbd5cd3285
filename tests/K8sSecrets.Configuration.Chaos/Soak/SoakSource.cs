using System.Text;
using K8sSecrets.Configuration.Aws.Tests;
using K8sSecrets.Configuration.Azure.Tests;
using K8sSecrets.Configuration.Google.Tests;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Chaos.Tests.Soak;

/// <summary>
/// One store, its fake on loopback (or a kubelet-written folder), and how a source reads it. Every
/// write is one new version of the store's content: the rotated key and a key that never changes.
/// </summary>
internal abstract class SoakSource : IAsyncDisposable
{
    public const string Rotated = "Password";
    public const string Steady = "User";
    public const string SteadyValue = "app";

    /// <summary>The poll of the polling sources, on the test's fake clock.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public abstract string Kind { get; }

    /// <summary>Writes a new version holding <see cref="Rotated"/> = <paramref name="value"/>.</summary>
    public abstract Task WriteAsync(string value);

    /// <summary>Writes a new version whose whole content is <paramref name="json"/> (the stores that hold one JSON document).</summary>
    public virtual Task WriteJsonAsync(string json) => throw new NotSupportedException($"The {Kind} store holds no JSON document.");

    /// <summary>Adds the source under test.</summary>
    public abstract void Configure(KubernetesSecretsBuilder secrets);

    /// <summary>
    /// Drops what the fake records about each request (its request log, the API server's event
    /// history, as etcd compaction does): the test's bookkeeping, not the provider's memory.
    /// </summary>
    public abstract void Housekeep();

    public abstract ValueTask DisposeAsync();

    public static async Task<SoakSource> StartAsync(string kind, FakeTimeProvider clock) => kind switch
    {
        "volume" => new VolumeSoak(),
        "api" => new ApiSoak(await FakeKubeApi.StartAsync()),
        "vault" => new VaultSoak(await FakeVault.StartAsync(clock)),
        "aws" => new AwsSoak(await FakeSecretsManager.StartAsync(clock)),
        "azure" => await AzureSoak.StartAsync(),
        "google" => await GoogleSoak.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No such soak source."),
    };

    private static Dictionary<string, string> Content(string value) => new(StringComparer.Ordinal) { [Rotated] = value, [Steady] = SteadyValue };

    private static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(Content(value));

    private sealed class VolumeSoak : SoakSource
    {
        private readonly KubeletVolume _volume = new();

        public override string Kind => "volume";

        public override Task WriteAsync(string value)
            => _volume.WriteAsync(Content(value).ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)), force: true);

        public override void Configure(KubernetesSecretsBuilder secrets)
            => secrets.FromVolume(_volume.Root, volume =>
            {
                volume.PollInterval = Poll;
                volume.Debounce = TimeSpan.FromMilliseconds(20);
            });

        public override void Housekeep()
        {
        }

        public override ValueTask DisposeAsync()
        {
            _volume.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ApiSoak(FakeKubeApi server) : SoakSource
    {
        private const string Ns = "payments";
        private const string Name = "soak-app";
        private readonly k8s.Kubernetes _client = new(new k8s.KubernetesClientConfiguration { Host = server.Uri.ToString() });

        public override string Kind => "api";

        public override Task WriteAsync(string value)
        {
            server.Put(Ns, Name, Content(value).ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)));
            return Task.CompletedTask;
        }

        public override void Configure(KubernetesSecretsBuilder secrets)
            => secrets.FromApi(api =>
            {
                api.Namespace = Ns;
                api.Client = _client;
                api.SecretNames.Add(Name);
                api.ReconnectSpread = TimeSpan.FromMilliseconds(50);
            });

        public override void Housekeep()
        {
            server.Requests.Clear();
            server.Compact();
        }

        public override async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await server.DisposeAsync();
        }
    }

    /// <summary>A KV v1 path: the fake keeps no version history, whose JSON a read of KV v2 would materialize.</summary>
    private sealed class VaultSoak(FakeVault vault) : SoakSource
    {
        private readonly TempFolder _folder = new();

        public override string Kind => "vault";

        public override Task WriteAsync(string value) => WriteJsonAsync(Json(value));

        public override Task WriteJsonAsync(string json)
        {
            vault.PutKv1("kv/app", json);
            return Task.CompletedTask;
        }

        public override void Configure(KubernetesSecretsBuilder secrets)
            => secrets.FromVault(v =>
            {
                v.Address = vault.Address;
                v.UseKubernetesAuth("payments", "kubernetes", _folder.Write("token", "eyJhbGciOiJSUzI1NiJ9.soak-jwt\n"));
                v.Secret("kv/app");
                v.PollInterval = Poll;
            });

        public override void Housekeep() => vault.Requests.Clear();

        public override async ValueTask DisposeAsync()
        {
            await vault.DisposeAsync();
            _folder.Dispose();
        }
    }

    /// <summary>
    /// One JSON secret. The fake moves the stages of every version it holds at each write, so its
    /// history is cut at each housekeeping (the secret deleted and written again with the same
    /// content, which the source reads as no change): 100,000 writes would otherwise take hours.
    /// </summary>
    private sealed class AwsSoak(FakeSecretsManager fake) : SoakSource
    {
        private const string Name = "soak/app";
        private string? _json;

        public override string Kind => "aws";

        public override Task WriteAsync(string value) => WriteJsonAsync(Json(value));

        public override Task WriteJsonAsync(string json)
        {
            fake.Put(Name, _json = json);
            return Task.CompletedTask;
        }

        public override void Configure(KubernetesSecretsBuilder secrets)
            => secrets.FromAwsSecretsManager(aws =>
            {
                aws.Region = FakeSecretsManager.Region;
                aws.ServiceUrl = fake.Address;
                aws.Credentials = AwsHarness.TestCredentials;
                aws.Secret(Name);
                aws.PollInterval = Poll;
            });

        public override void Housekeep()
        {
            fake.Requests.Clear();
            if (_json is { } json)
            {
                fake.Delete(Name);
                fake.Put(Name, json);
            }
        }

        public override ValueTask DisposeAsync() => fake.DisposeAsync();
    }

    /// <summary>One Key Vault secret per key; the vault's own clock moves a second per write, so each version's <c>updated</c> differs.</summary>
    private sealed class AzureSoak(FakeKeyVault vault, FakeTimeProvider vaultClock) : SoakSource
    {
        public override string Kind => "azure";

        public static async Task<SoakSource> StartAsync()
        {
            var vaultClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var vault = await FakeKeyVault.StartAsync(vaultClock);
            vault.Put(Steady, SteadyValue);
            return new AzureSoak(vault, vaultClock);
        }

        public override Task WriteAsync(string value)
        {
            vaultClock.Advance(TimeSpan.FromSeconds(1));
            vault.Put(Rotated, value);
            return Task.CompletedTask;
        }

        public override void Configure(KubernetesSecretsBuilder secrets)
            => secrets.FromAzureKeyVault(kv =>
            {
                kv.VaultUri = vault.Address;
                kv.Credential = new FakeCredential();
                kv.ClientOptions = KeyVaultHarness.ClientOptions();
                kv.PollInterval = Poll;
            });

        public override void Housekeep() => vault.Requests.Clear();

        public override ValueTask DisposeAsync() => vault.DisposeAsync();
    }

    /// <summary>One secret per key, labelled <c>app=soak</c>, with tokens from the fake metadata server.</summary>
    private sealed class GoogleSoak(FakeMetadataServer metadata, FakeSecretManager secretManager) : SoakSource
    {
        public override string Kind => "google";

        public static async Task<SoakSource> StartAsync()
        {
            var metadata = await FakeMetadataServer.StartAsync();
            var secretManager = await FakeSecretManager.StartAsync(metadata.IsValid);
            Add(secretManager, Steady, SteadyValue);
            return new GoogleSoak(metadata, secretManager);
        }

        public override Task WriteAsync(string value)
        {
            Add(secretManager, Rotated, value);
            return Task.CompletedTask;
        }

        public override void Configure(KubernetesSecretsBuilder secrets)
            => secrets.FromGoogleSecretManager(gcp =>
            {
                gcp.ProjectId = FakeSecretManager.Project;
                gcp.Credential = new global::Google.Apis.Auth.OAuth2.ComputeCredential(new(metadata.TokenUrl));
                gcp.Endpoint = secretManager.Address;
                gcp.SecretsWithLabel("app", "soak");
                gcp.PollInterval = Poll;
            });

        public override void Housekeep() => secretManager.Requests.Clear();

        public override async ValueTask DisposeAsync()
        {
            await secretManager.DisposeAsync();
            await metadata.DisposeAsync();
        }

        private static void Add(FakeSecretManager secretManager, string name, string value)
        {
            secretManager.AddVersion(name, value);
            secretManager.SetLabel(name, "app", "soak");
        }
    }
}
