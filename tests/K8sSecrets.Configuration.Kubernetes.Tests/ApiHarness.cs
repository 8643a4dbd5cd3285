using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>A fake API server, a real client, and a configuration built with <c>FromApi</c> against them.</summary>
internal sealed class ApiHarness : IAsyncDisposable
{
    public const string Ns = "payments";

    /// <summary>A secret value that must never reach a log line or an exception message.</summary>
    public const string Sentinel = "S3NT1NEL-do-not-log-7f3a";

    private readonly SecretsHarness _secrets = new();

    private ApiHarness(FakeKubeApi server)
    {
        Server = server;
        Client = server.CreateClient();
    }

    public FakeKubeApi Server { get; }

    public k8s.Kubernetes Client { get; }

    public LogCapture Logs => _secrets.Logs;

    public IConfigurationRoot Config => _secrets.Root;

    public SecretsConfigurationProvider Provider => _secrets.Provider;

    public int Changes => _secrets.Changes;

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
        => _secrets.Build(secrets =>
        {
            secrets.MinRetryDelay = TimeSpan.FromMilliseconds(20);
            secrets.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
            configure(secrets);
        });

    /// <summary>Builds with the <see cref="ApiSecretSource"/> made here rather than by <c>FromApi</c>, to reach its internals.</summary>
    public ApiSecretSource BuildSource(Action<ApiSecretOptions> configure)
    {
        var options = new ApiSecretOptions();
        Fast(options);
        configure(options);
        ApiSecretSource? source = null;
        Build(secrets => secrets.AddSource(context => source = new ApiSecretSource(options, context, connection: null)));
        return source!;
    }

    /// <summary>Waits until the source has an open watch whose request matches.</summary>
    public Task WatchingAsync(int count = 1, Func<FakeKubeApi.RequestRecord, bool>? where = null)
        => Eventually.HoldsAsync(
            () => Server.ActiveWatches >= 1 && Server.Watches.Count(where ?? (_ => true)) >= count,
            $"{count} watch request(s) were made and one is open");

    public async ValueTask DisposeAsync()
    {
        _secrets.Dispose();
        Client.Dispose();
        await Server.DisposeAsync();
        Logs.AssertNoSentinel(Sentinel);
    }
}
