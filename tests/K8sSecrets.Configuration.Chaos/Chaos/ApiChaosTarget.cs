using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using k8s;
using k8s.Authentication;
using K8sSecrets.Configuration.Kubernetes;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// Secrets read from the Kubernetes API (<c>FromApi</c>, list + watch) against <see cref="FakeKubeApi"/>.
/// Each Secret is a group: one Secret's keys change together (one object, one resourceVersion), two
/// Secrets change independently, so a published state may show g0 at one version and g1 at another.
/// Faults: 5xx and 429 (with and without Retry-After) on list and watch, 410 storms, truncated and
/// garbage bodies and watch lines, watches dropped, ended early or silent, connections reset, hung
/// or slow, and the bearer token expiring (401) until it is rotated.
/// </summary>
internal sealed class ApiChaosTarget : IChaosTarget
{
    private const string Ns = "chaos";

    private static readonly string[] s_faults =
    [
        "list-5xx", "watch-5xx", "list-429", "watch-429", "410-storm", "list-truncated", "list-garbage",
        "watch-garbage-line", "watch-truncated", "drop-watches", "end-watches", "silent-watch",
        "reset", "hang", "slow", "token-expiry", "token-rotation",
    ];

    private readonly ConcurrentQueue<string> _tokens = new();
    private FakeKubeApi _api = null!;
    private k8s.Kubernetes _client = null!;
    private ChaosWorld _world = null!;
    private volatile string _clientToken = null!;
    private int _serial;

    public string Name => "kubernetes-api";

    public int Groups => 2;

    public int KeysPerGroup => 3;

    public bool CanDeleteGroup => true;

    public bool WritesManyGroups => false;

    /// <summary>
    /// After the faults stop: a request parked by a hang ends within 60 s; the informer's next attempt
    /// comes within its backoff (MaxRetryDelay 30 s) or a Retry-After (capped at MaxRetryAfter, 60 s),
    /// after a reconnect spread of at most 5 s; a silent watch is cut at its idle limit (WatchTimeout
    /// 60 s + 30 s) and listed again. 60 + 60 + 5 + 90 = 215 s; the bound is 5 minutes.
    /// </summary>
    public TimeSpan ConvergenceBound => TimeSpan.FromMinutes(5);

    public long Activity => _api?.Requests.Count ?? 0;

    public IEnumerable<string> Credentials => _tokens;

    public async Task StartAsync(ChaosWorld world)
    {
        _world = world;
        _api = await FakeKubeApi.StartAsync();
        _clientToken = NewToken();
        _api.AcceptedToken = _clientToken;
        _client = new k8s.Kubernetes(
            new KubernetesClientConfiguration
            {
                Host = _api.Uri.ToString(),
                TokenProvider = new Tokens(this),

                // A list to the fake now and then gets no answer after watch faults (the server has the request;
                // the cause is not isolated). The client's own timeout bounds it, as in production (100 s there);
                // 5 s of real time keeps it under the settle limit.
                HttpClientTimeout = TimeSpan.FromSeconds(5),
            },
            world.NewHandler(chained: true));
    }

    public void AddSource(KubernetesSecretsBuilder secrets)
        => secrets.FromApi(options =>
        {
            options.Namespace = Ns;
            options.Client = _client;
            options.SecretNames.Add("g0");
            options.SecretNames.Add("g1");
            options.WatchTimeout = TimeSpan.FromSeconds(60);
            options.ReconnectSpread = TimeSpan.FromSeconds(5);
        });

    public Task WriteAsync(WriteStep write)
    {
        foreach (var (group, mask) in write.Masks)
        {
            if (mask == 0)
            {
                _api.Delete(Ns, "g" + group);
            }
            else
            {
                _api.Put(Ns, "g" + group, ChaosStore.Content(write.N, group, mask).ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)));
            }
        }

        return Task.CompletedTask;
    }

    public FaultStep NextFault(Random random)
    {
        var name = s_faults[random.Next(s_faults.Length)];
        return CommonFaults.Next(name, random, maxResets: 5) ?? name switch
        {
            "list-5xx" or "watch-5xx" => new FaultStep(name, random.Next(2) == 0 ? 500 : 503),
            "list-429" or "watch-429" => new FaultStep(name, random.Next(-1, 121)), // -1: no Retry-After
            "410-storm" => new FaultStep(name, random.Next(1, 6)),
            _ => new FaultStep(name),
        };
    }

    public Task ApplyAsync(FaultStep fault)
    {
        switch (fault.Name)
        {
            case "list-5xx":
                _api.ListFaults.Enqueue(FakeKubeApi.Status(fault.Arg, "InternalError", "etcdserver: request timed out"));
                break;
            case "watch-5xx":
                _api.WatchFaults.Enqueue(FakeKubeApi.Status(fault.Arg, "InternalError", "etcdserver: request timed out"));
                _api.DropWatches();
                break;
            case "list-429":
                _api.ListFaults.Enqueue(FakeKubeApi.Status(429, "TooManyRequests", "too many requests", fault.Arg < 0 ? null : fault.Arg));
                break;
            case "watch-429":
                _api.WatchFaults.Enqueue(FakeKubeApi.Status(429, "TooManyRequests", "too many requests", fault.Arg < 0 ? null : fault.Arg));
                _api.DropWatches();
                break;
            case "410-storm":
                // History compacted: every resumed watch gets 410, and the next few after each relist too.
                _api.Compact();
                for (var i = 0; i < fault.Arg; i++)
                {
                    _api.WatchFaults.Enqueue(FakeKubeApi.ExpiredButOpen());
                }

                _api.EndWatches();
                break;
            case "list-truncated":
                _api.ListFaults.Enqueue(Truncated("""{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"g0","namespace":"chaos"},"data":{"g0k0":"UzNOVDFORUwtY2hh"""));
                break;
            case "list-garbage":
                _api.ListFaults.Enqueue(Body(200, "text/html", "<html><body>502 Bad Gateway " + ChaosStore.Sentinel + "</body></html>"));
                break;
            case "watch-garbage-line":
                _api.SendRaw("{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Secret\"," + ChaosStore.Sentinel);
                break;
            case "watch-truncated":
                _api.WatchFaults.Enqueue(Truncated("""{"type":"MODIFIED","object":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"g0","namespace":"chaos","resourceVersion":"99999"},"data":{"g0k0":"UzNOVDFORUwt"""));
                _api.DropWatches();
                break;
            case "drop-watches":
                _api.DropWatches();
                break;
            case "end-watches":
                _api.EndWatches();
                break;
            case "silent-watch":
                _api.SilenceNextWatches(1);
                _api.DropWatches();
                break;
            case "reset" or "hang" or "slow":
                CommonFaults.TryApply(_world, fault);
                _api.DropWatches();
                break;
            case "token-expiry":
                _api.AcceptedToken = NewToken(); // the client's token is refused (401) until rotation
                _api.DropWatches();
                break;
            case "token-rotation":
                _clientToken = _api.AcceptedToken ?? _clientToken;
                break;
        }

        return Task.CompletedTask;
    }

    public Task HealAsync()
    {
        while (_api.ListFaults.TryDequeue(out _) || _api.WatchFaults.TryDequeue(out _))
        {
        }

        _clientToken = _api.AcceptedToken ?? _clientToken;
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    private string NewToken()
    {
        var token = $"apitok-{ChaosStore.Sentinel}{Interlocked.Increment(ref _serial)}";
        _tokens.Enqueue(token);
        return token;
    }

    /// <summary>A 200 whose body stops half way and whose connection is then cut.</summary>
    private static Func<HttpContext, Task> Truncated(string start) => async context =>
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(start);
        await context.Response.Body.FlushAsync();
        context.Abort();
    };

    private static Func<HttpContext, Task> Body(int status, string contentType, string body) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    };

    /// <summary>The client's bearer token: the one it holds now (stale after an expiry, until rotation).</summary>
    private sealed class Tokens(ApiChaosTarget target) : ITokenProvider
    {
        public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
            => Task.FromResult(new AuthenticationHeaderValue("Bearer", target._clientToken));
    }
}
