using Google.Apis.Auth.OAuth2;
using K8sSecrets.Configuration.Google;
using K8sSecrets.Configuration.Google.Tests;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// Google Secret Manager (<c>FromGoogleSecretManager</c>, named secrets) against <see cref="FakeSecretManager"/>,
/// with tokens from <see cref="FakeMetadataServer"/> through the real <see cref="ComputeCredential"/>
/// (Workload Identity). A secret version holds one value, so each secret is a one-key group.
/// Faults: <c>RESOURCE_EXHAUSTED</c> 429 (with and without Retry-After), 5xx, garbage and truncated
/// bodies on any request kind, a corrupt CRC32C, every token revoked (401 until a new one is fetched),
/// connections reset, hung or slow.
/// </summary>
internal sealed class GoogleChaosTarget : IChaosTarget
{
    private static readonly string[] s_faults =
    [
        "exhausted", "5xx", "garbage", "truncated", "corrupt-crc", "tokens-revoked", .. CommonFaults.Connection,
    ];

    private static readonly string[] s_kinds = ["access", "version", "secret", "*"];

    private ChaosWorld _world = null!;
    private FakeMetadataServer _metadata = null!;
    private FakeSecretManager _store = null!;

    public string Name => "google";

    public int Groups => 4;

    public int KeysPerGroup => 1;

    public bool CanDeleteGroup => false;

    public bool WritesManyGroups => false;

    /// <inheritdoc cref="CommonFaults.PolledConvergenceBound"/>
    public TimeSpan ConvergenceBound => CommonFaults.PolledConvergenceBound;

    public long Activity => (_store?.Requests.Count ?? 0) + (_metadata?.TokenRequests ?? 0);

    public IEnumerable<string> Credentials => ["ya29.SENTINEL-TOKEN-"];

    public async Task StartAsync(ChaosWorld world)
    {
        _world = world;
        _metadata = await FakeMetadataServer.StartAsync();
        _store = await FakeSecretManager.StartAsync(_metadata.IsValid);
    }

    public void AddSource(KubernetesSecretsBuilder secrets)
        => secrets.FromGoogleSecretManager(gcp =>
        {
            gcp.ProjectId = FakeSecretManager.Project;
            gcp.Credential = new ComputeCredential(new ComputeCredential.Initializer(_metadata.TokenUrl));
            gcp.Endpoint = _store.Address;
            gcp.PollInterval = TimeSpan.FromSeconds(30);
            gcp.HttpMessageHandlerFactory = () => _world.NewHandler();
            for (var group = 0; group < Groups; group++)
            {
                gcp.Secret(ChaosStore.Key(group, 0));
            }
        });

    public Task WriteAsync(WriteStep write)
    {
        foreach (var (group, mask) in write.Masks)
        {
            var name = ChaosStore.Key(group, 0);
            _store.AddVersion(name, ChaosStore.Value(write.N, name));
        }

        return Task.CompletedTask;
    }

    public FaultStep NextFault(Random random)
    {
        var name = s_faults[random.Next(s_faults.Length)];
        var kind = random.Next(s_kinds.Length);
        return CommonFaults.Next(name, random) ?? name switch
        {
            "exhausted" => new FaultStep(name, (kind * 1000) + random.Next(0, 121)), // kind, then seconds; 0: no Retry-After
            "5xx" => new FaultStep(name, (kind * 1000) + (random.Next(2) == 0 ? 500 : 503)),
            "garbage" or "truncated" => new FaultStep(name, kind),
            "corrupt-crc" => new FaultStep(name, random.Next(Groups)),
            _ => new FaultStep(name),
        };
    }

    public Task ApplyAsync(FaultStep fault)
    {
        var kind = s_kinds[Math.Min(fault.Arg / 1000, s_kinds.Length - 1)];
        var rest = fault.Arg % 1000;
        switch (fault.Name)
        {
            case "exhausted":
                _store.Fail(kind, new GsmFault(429, "RESOURCE_EXHAUSTED", RetryAfterSeconds: rest == 0 ? null : rest));
                break;
            case "5xx":
                _store.Fail(kind, new GsmFault(rest, rest == 500 ? "INTERNAL" : "UNAVAILABLE"));
                break;
            case "garbage":
                _store.Fail(s_kinds[fault.Arg], new GsmFault(200, RawBody: "<html><body>502 Bad Gateway " + ChaosStore.Sentinel + "</body></html>"));
                break;
            case "truncated":
                _store.Fail(s_kinds[fault.Arg], new GsmFault(200, RawBody: "{\"name\":\"projects/123456789012/secrets/g0k0/versions/9\",\"payload\":{\"data\":\"UzNOVDFORUwt"));
                break;
            case "corrupt-crc":
                _store.CorruptCrc.Add(ChaosStore.Key(fault.Arg, 0));
                break;
            case "tokens-revoked":
                _metadata.RevokeAll();
                break;
            default:
                CommonFaults.TryApply(_world, fault);
                break;
        }

        return Task.CompletedTask;
    }

    public Task HealAsync()
    {
        _store.ClearFaults();
        _store.CorruptCrc.Clear();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_metadata is not null)
        {
            await _metadata.DisposeAsync();
        }
    }
}
