using System.Globalization;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>
/// The fleet benchmark's API reconnect (benchmarks/.../Fleet/ApiFleet.cs), reduced to twenty
/// clients with short settings: each its own provider and Kubernetes client, watching one Secret
/// through an <see cref="OutageProxy"/> that resets every connection and refuses new ones, while
/// the API server forgets its history so that a resumed watch gets 410 Gone.
/// </summary>
public sealed class FleetReconnectTests : IAsyncDisposable
{
    private const int Clients = 20;
    private const string Ns = "fleet";

    private readonly LogCapture _logs = new();
    private readonly List<(IConfigurationRoot Root, k8s.Kubernetes Client)> _clients = [];
    private FakeKubeApi _server = null!;
    private OutageProxy _proxy = null!;

    [Fact]
    public async Task Twenty_clients_cut_off_and_refused_relist_watch_again_and_all_see_a_later_change()
    {
        await StartAsync();
        var failures = Enumerable.Range(0, Clients).Count(i => !TryBuild(i));
        Assert.Equal(0, failures);
        await Eventually.HoldsAsync(() => _server.ActiveWatches == Clients, "every client watches");
        var listsBefore = _server.Lists.Count();

        _server.Put(Ns, "unrelated", ("x", "1")); // moves the resourceVersion past every client's
        _server.Compact();
        _proxy.Down();
        await Eventually.HoldsAsync(() => _server.ActiveWatches == 0, "the server lost every watch");
        await Eventually.HoldsAsync(() => Providers().All(p => p.GetHealth().ConsecutiveFailures > 0 || !p.GetHealth().IsHealthy), "every client met the refused connections");
        _proxy.Up();

        await Eventually.HoldsAsync(() => _server.ActiveWatches == Clients, "every client watches again");
        Assert.True(_server.Lists.Count() - listsBefore >= Clients, "each client listed again: its resourceVersion is gone");
        _server.Put(Ns, "app", ("password", "v1"));
        await Eventually.HoldsAsync(() => _clients.All(c => c.Root["password"] == "v1"), "every client sees the change made after the cut");
        Assert.All(Providers(), p => Assert.True(p.GetHealth().IsHealthy));
    }

    [Fact]
    public async Task Twenty_clients_whose_watches_are_cut_resume_into_410_Gone_and_relist()
    {
        await StartAsync();
        Assert.Equal(0, Enumerable.Range(0, Clients).Count(i => !TryBuild(i)));
        await Eventually.HoldsAsync(() => _server.ActiveWatches == Clients, "every client watches");
        var listsBefore = _server.Lists.Count();
        var watchesBefore = _server.Watches.Count();

        _server.Put(Ns, "unrelated", ("x", "1"));
        var compactedAt = long.Parse(_server.CurrentResourceVersion, CultureInfo.InvariantCulture);
        _server.Compact();
        _proxy.Down();
        _proxy.Up(); // a cut, not an outage: the resumed watches reach the server and get the 410

        await Eventually.HoldsAsync(() => _server.Lists.Count() - listsBefore >= Clients && _server.ActiveWatches == Clients, "every client relisted and watches again");
        Assert.Contains(_server.Watches.Skip(watchesBefore), w => long.Parse(w.ResourceVersion ?? "0", CultureInfo.InvariantCulture) < compactedAt);
        _server.Put(Ns, "app", ("password", "v1"));
        await Eventually.HoldsAsync(() => _clients.All(c => c.Root["password"] == "v1"), "every client sees the change made after the cut");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (root, client) in _clients)
        {
            ((IDisposable)root).Dispose();
            client.Dispose();
        }

        _logs.Dispose();
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task StartAsync()
    {
        _server = await FakeKubeApi.StartAsync();
        _server.Put(Ns, "app", ("password", "v0"));
        _proxy = OutageProxy.Start(_server.Uri);
    }

    /// <summary>Builds client <paramref name="i"/>; returns whether its Build() worked.</summary>
    private bool TryBuild(int i)
    {
        var client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration
        {
            Host = _proxy.Address.ToString(),
            AccessToken = "fleet-" + i.ToString(CultureInfo.InvariantCulture),
        });
        try
        {
            var root = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
            {
                secrets.LoggerFactory = _logs.Factory;
                secrets.MinRetryDelay = TimeSpan.FromMilliseconds(20);
                secrets.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
                secrets.FromApi(api =>
                {
                    api.Client = client;
                    api.Namespace = Ns;
                    api.SecretNames.Add("app");
                    api.ReconnectSpread = TimeSpan.FromMilliseconds(100);
                });
            }).Build();
            _clients.Add((root, client));
            return root["password"] == "v0";
        }
        catch (SecretSourceException)
        {
            client.Dispose();
            return false;
        }
    }

    private IEnumerable<SecretsConfigurationProvider> Providers()
        => _clients.Select(static c => c.Root.Providers.OfType<SecretsConfigurationProvider>().Single());
}
