using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>The shared source checks, for one JSON secret of the fake Secrets Manager, every request SigV4-signed and checked.</summary>
public sealed class AwsConformanceTests : SecretSourceConformanceTests<AwsConformanceTests.Store>
{
    protected override async Task<Store> StartStoreAsync() => new(await FakeSecretsManager.StartAsync(TimeProvider.System));

    protected override void Configure(KubernetesSecretsBuilder secrets, Store store, Action<SecretSourceOptions> options)
        => secrets.FromAwsSecretsManager(aws =>
        {
            aws.Region = FakeSecretsManager.Region;
            aws.ServiceUrl = store.Fake.Address;
            aws.Credentials = AwsHarness.TestCredentials;
            aws.Secret(Store.Name);
            aws.PollInterval = TimeSpan.FromMilliseconds(100);
            options(aws);
        });

    /// <summary>The secret <c>conformance/app</c>, a JSON object flattened at the root; an outage is every call throttled.</summary>
    public sealed class Store(FakeSecretsManager fake) : WholeMapStore
    {
        public const string Name = "conformance/app";

        public FakeSecretsManager Fake { get; } = fake;

        public override string SourceName => Name;

        public override int Requests => Fake.Requests.Count;

        public override Task BreakAsync()
        {
            // An outage, not a throttle: a throttled first load now waits within StartupTimeout
            // (StartupThrottleTests covers that), which would hold Build() for the whole budget here.
            Fake.Outage = new SmFault(500, """{"__type":"InternalServiceError","Message":"An error occurred on the server side."}""");
            return Task.CompletedTask;
        }

        public override Task HealAsync()
        {
            Fake.Outage = null;
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync() => Fake.DisposeAsync();

        protected override void Write(IReadOnlyDictionary<string, string> values) => Fake.Put(Name, ToJson(values));
    }
}
