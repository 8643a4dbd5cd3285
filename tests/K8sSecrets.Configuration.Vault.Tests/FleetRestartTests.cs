using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Vault.Tests;

/// <summary>
/// The fleet benchmark's Vault restart (benchmarks/.../Fleet/VaultFleet.cs), reduced to twenty
/// clients on real time with short settings: each client its own provider and HttpClient, Vault
/// behind an <see cref="OutageProxy"/> that resets and refuses connections, then sealed, then back.
/// </summary>
public sealed class FleetRestartTests : IAsyncDisposable
{
    private const int Clients = 20;
    private const string Jwt = "eyJhbGciOiJSUzI1NiJ9.fleet-SENTINEL-JWT";

    private readonly LogCapture _logs = new();
    private readonly TempFolder _folder = new();
    private readonly List<IConfigurationRoot> _roots = [];
    private FakeVault _vault = null!;
    private OutageProxy _proxy = null!;
    private string _jwtPath = null!;
    private TimeSpan _poll = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Twenty_clients_come_back_from_a_restart_that_lost_their_tokens_and_all_see_a_later_write()
    {
        await StartAsync(quota: null);
        var failures = BuildFleet();
        Assert.Equal(0, failures);
        Assert.All(Roots(), root => Assert.Equal("v0", root["password"]));
        var loginsBefore = Logins();

        foreach (var token in _vault.LiveTokens())
        {
            _vault.RevokeToken(token);
        }

        _vault.Sealed = true;
        _proxy.Down();
        await Eventually.HoldsAsync(() => Providers().All(p => p.GetHealth().ConsecutiveFailures > 0), "every client met the outage");
        var sealedSince = _vault.Requests.Count;
        _proxy.Up();
        await Eventually.HoldsAsync(() => _vault.Requests.Skip(sealedSince).Count() >= Clients, "the clients were answered 503 sealed");
        _vault.Sealed = false;
        _vault.PutKv2("fleet/db", """{"password":"v1"}""");

        await Eventually.HoldsAsync(() => Roots().All(root => root["password"] == "v1"), "every client read the write made after the restart");
        Assert.All(Providers(), p => Assert.True(p.GetHealth().IsHealthy));
        Assert.True(Logins() - loginsBefore >= Clients, $"each client logged in again ({Logins() - loginsBefore} logins for {Clients} clients)");
        Assert.DoesNotContain(_logs.Records, r => r.Message.Contains("SENTINEL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rate_limit_quota_throttles_a_fleet_start_and_every_client_still_builds_and_converges()
    {
        // Vault's default: a 429 without Retry-After. Ten requests per 100 ms against twenty cold loads
        // of three at once (a login, the mount lookup, the read), then polls at a fifth of the quota.
        var quota = new VaultRateLimitQuota(10, TimeProvider.System, TimeSpan.FromMilliseconds(100));
        _poll = TimeSpan.FromSeconds(1);
        await StartAsync(quota);

        // Build() blocks: each start on a thread of its own, as each pod is a process of its own.
        var failures = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Factory.StartNew(BuildOne, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        Assert.Equal(0, failures.Count(static failed => failed));
        Assert.True(quota.Rejected > 0, "the quota answered 429 at least once");
        Assert.Contains(_vault.Requests, r => r.Path == "auth/kubernetes/login");
        _vault.PutKv2("fleet/db", """{"password":"v1"}""");
        await Eventually.HoldsAsync(() => Roots().All(root => root["password"] == "v1"), "every client read the write through the quota");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var root in _roots)
        {
            ((IDisposable)root).Dispose();
        }

        _logs.Dispose();
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_vault is not null)
        {
            await _vault.DisposeAsync();
        }

        _folder.Dispose();
    }

    private async Task StartAsync(VaultRateLimitQuota? quota)
    {
        _vault = await FakeVault.StartAsync(TimeProvider.System);
        _vault.RateLimitQuota = quota;
        _vault.PutKv2("fleet/db", """{"password":"v0"}""");
        _proxy = OutageProxy.Start(_vault.Address);
        _jwtPath = _folder.Write("token", Jwt);
    }

    private int BuildFleet() => Enumerable.Range(0, Clients).Count(_ => BuildOne());

    /// <summary>Builds one client; returns whether its Build() threw.</summary>
    private bool BuildOne()
    {
        try
        {
            var root = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
            {
                secrets.LoggerFactory = _logs.Factory;
                secrets.MinRetryDelay = TimeSpan.FromMilliseconds(20);
                secrets.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
                secrets.FromVault(vault =>
                {
                    vault.Address = _proxy.Address;
                    vault.UseKubernetesAuth("payments", "kubernetes", _jwtPath);
                    vault.PollInterval = _poll;
                    vault.Secret("secret/fleet/db");
                });
            }).Build();
            lock (_roots)
            {
                _roots.Add(root);
            }

            return false;
        }
        catch (SecretSourceException)
        {
            return true;
        }
    }

    private IConfigurationRoot[] Roots()
    {
        lock (_roots)
        {
            return [.. _roots];
        }
    }

    private IEnumerable<SecretsConfigurationProvider> Providers()
        => Roots().Select(static r => r.Providers.OfType<SecretsConfigurationProvider>().Single());

    private int Logins() => _vault.Count("auth/kubernetes/login");
}
