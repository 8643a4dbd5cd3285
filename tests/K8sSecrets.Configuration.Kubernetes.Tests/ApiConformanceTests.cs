using System.Text;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>The shared source checks, for one Secret read with list + watch from the fake API server.</summary>
public sealed class ApiConformanceTests : SecretSourceConformanceTests<ApiConformanceTests.Store>
{
    protected override async Task<Store> StartStoreAsync() => new(await FakeKubeApi.StartAsync());

    protected override void Configure(KubernetesSecretsBuilder secrets, Store store, Action<SecretSourceOptions> options)
        => secrets.FromApi(api =>
        {
            api.Namespace = Store.Ns;
            api.Client = store.Client;
            api.SecretNames.Add(Store.Name);
            api.ReconnectSpread = TimeSpan.FromMilliseconds(50);
            options(api);
        });

    /// <summary>The Secret <c>payments/app</c>; an outage is every request refused and the open watches cut.</summary>
    public sealed class Store(FakeKubeApi server) : WholeMapStore
    {
        public const string Ns = "payments";
        // Unique in this test project: reads are counted by source name through the process-wide meter,
        // and other classes that run in parallel read a Secret named "app" in the same namespace.
        public const string Name = "conformance-app";

        public k8s.Kubernetes Client { get; } = server.CreateClient();

        public override string SourceName => $"Secret '{Name}' in namespace '{Ns}'";

        public override int Requests => server.Requests.Count;

        public override Task BreakAsync()
        {
            server.Forbid = static _ => true;
            server.DropWatches();
            return Task.CompletedTask;
        }

        public override Task HealAsync()
        {
            server.Forbid = null;
            return Task.CompletedTask;
        }

        public override async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await server.DisposeAsync();
        }

        protected override void Write(IReadOnlyDictionary<string, string> values) => server.Put(Ns, Name, values.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)));
    }
}
