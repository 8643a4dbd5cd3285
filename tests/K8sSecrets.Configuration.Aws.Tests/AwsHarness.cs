using Amazon.Runtime;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>One test's world: a fake Secrets Manager, a fake clock the engine and the fake share, captured logs.</summary>
public sealed class AwsHarness : IAsyncDisposable
{
    private readonly SecretsHarness _secrets = new();

    private AwsHarness(FakeSecretsManager fake, TestClock clock)
    {
        Fake = fake;
        Clock = clock;
    }

    public TestClock Clock { get; }

    public FakeSecretsManager Fake { get; }

    public LogCapture Logs => _secrets.Logs;

    public static AWSCredentials TestCredentials { get; } =
        new SessionAWSCredentials(FakeSecretsManager.AccessKey, FakeSecretsManager.SecretKey, FakeSecretsManager.SessionToken);

    public static async Task<AwsHarness> StartAsync()
    {
        var clock = new TestClock();
        // The server keeps the true time: a step of the pod's wall clock (TestClock.WallClockStep) is not its.
        return new AwsHarness(await FakeSecretsManager.StartAsync(clock.Fake), clock);
    }

    public IConfigurationRoot Build(Action<AwsSecretsManagerOptions> configure)
        => _secrets.Build(secrets => Configure(secrets, configure));

    public void Configure(KubernetesSecretsBuilder secrets, Action<AwsSecretsManagerOptions> configure)
    {
        secrets.TimeProvider = Clock;
        secrets.LoggerFactory = Logs.Factory;
        secrets.FromAwsSecretsManager(aws =>
        {
            aws.Region = FakeSecretsManager.Region;
            aws.ServiceUrl = Fake.Address;
            aws.Credentials = TestCredentials;
            configure(aws);
        });
    }

    public static SecretsConfigurationProvider Provider(IConfigurationRoot config) => config.Providers.OfType<SecretsConfigurationProvider>().Single();

    internal static AwsSecretsManagerSource Source(IConfigurationRoot config)
        => (AwsSecretsManagerSource)typeof(SecretsConfigurationProvider).GetProperty("Source", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!.GetValue(Provider(config))!;

    public async ValueTask DisposeAsync()
    {
        _secrets.Dispose();
        await Fake.DisposeAsync();
    }
}
