using K8sSecrets.Configuration.Testing;
using k8s;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>A fake API server, a real client, and a configuration built with <c>FromApi</c> against them.</summary>
internal sealed class ApiHarness : IAsyncDisposable
{
    public const string Ns = "payments";

    /// <summary>A secret value that must never reach a log line or an exception message.</summary>
    public const string Sentinel = "S3NT1NEL-do-not-log-7f3a";

    private int _changes;

    private ApiHarness(FakeKubeApi server)
    {
        Server = server;
        Client = server.CreateClient();
    }

    public FakeKubeApi Server { get; }

    public k8s.Kubernetes Client { get; }

    public LogCapture Logs { get; } = new();

    public IConfigurationRoot Config { get; private set; } = null!;

    public SecretsConfigurationProvider Provider { get; private set; } = null!;

    public int Changes => Volatile.Read(ref _changes);

    public static async Task<ApiHarness> StartAsync() => new(await FakeKubeApi.StartAsync());

    /// <summary>Fast settings for tests: short retry delays, everything else as in production.</summary>
    public void Fast(ApiSecretOptions options)
    {
        options.Namespace = Ns;
        options.Client = Client;
        options.ReconnectSpread = TimeSpan.FromMilliseconds(50);
    }

    public IConfigurationRoot Build(Action<ApiSecretOptions> configure)
        => Build(secrets => secrets.FromApi(options =>
        {
            Fast(options);
            configure(options);
        }));

    public IConfigurationRoot Build(Action<KubernetesSecretsBuilder> configure)
    {
        Config = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.LoggerFactory = Logs.Factory;
            secrets.MinRetryDelay = TimeSpan.FromMilliseconds(20);
            secrets.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
            configure(secrets);
        }).Build();
        Provider = Config.Providers.OfType<SecretsConfigurationProvider>().Single();
        Provider.Changed += (_, _) => Interlocked.Increment(ref _changes);
        return Config;
    }

    public ApiSecretSource Source => (ApiSecretSource)typeof(SecretsConfigurationProvider)
        .GetProperty("Source", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
        .GetValue(Provider)!;

    /// <summary>Waits until the source has an open watch whose request matches.</summary>
    public Task WatchingAsync(int count = 1, Func<FakeKubeApi.RequestRecord, bool>? where = null)
        => Eventually.HoldsAsync(
            () => Server.ActiveWatches >= 1 && Server.Watches.Count(where ?? (_ => true)) >= count,
            $"{count} watch request(s) were made and one is open");

    public async ValueTask DisposeAsync()
    {
        (Config as IDisposable)?.Dispose();
        Client.Dispose();
        await Server.DisposeAsync();
        Logs.AssertNoSentinel(Sentinel);
        Logs.Dispose();
    }
}
