using System.Collections.Concurrent;
using System.Text.Json;
using K8sSecrets.Configuration.Testing;
using K8sSecrets.Configuration.Vault;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// Vault KV v2 (<c>FromVault</c>, Kubernetes auth) against <see cref="FakeVault"/>, on the run's fake
/// clock (token lifetimes too). Each KV path is a group: one KV v2 write replaces every field of a
/// path at once; two paths are read one after the other, so a published state may show them at
/// different versions. Faults: seal, 5xx and 429 (with and without Retry-After) on reads and logins,
/// garbage and truncated bodies, tokens revoked or living only seconds, the service-account JWT rotated or
/// refused, connections reset, hung or slow.
/// </summary>
internal sealed class VaultChaosTarget : IChaosTarget
{
    private static readonly string[] s_faults =
    [
        "seal", "unseal", "read-5xx", "read-429", "read-garbage", "read-truncated", "login-5xx",
        "login-refused", "token-revoked", "short-ttl", "jwt-rotation", .. CommonFaults.Connection,
    ];

    private readonly ConcurrentQueue<string> _credentials = new();
    private readonly TempFolder _folder = new();
    private ChaosWorld _world = null!;
    private FakeVault _vault = null!;
    private string _jwtPath = null!;
    private int _jwts;

    public string Name => "vault";

    public int Groups => 2;

    public int KeysPerGroup => 3;

    public bool CanDeleteGroup => false;

    public bool WritesManyGroups => false;

    /// <inheritdoc cref="CommonFaults.PolledConvergenceBound"/>
    public TimeSpan ConvergenceBound => CommonFaults.PolledConvergenceBound;

    public long Activity => _vault?.Requests.Count ?? 0;

    /// <summary>Gets the JWTs written and every token Vault issued (they all start <c>hvs.issued-</c>).</summary>
    public IEnumerable<string> Credentials => _credentials.Append("hvs.issued-");

    public async Task StartAsync(ChaosWorld world)
    {
        _world = world;
        _vault = await FakeVault.StartAsync(world.Clock.Fake); // Vault keeps its own time: a wall-clock step does not move it
        _vault.TokenTtl = TimeSpan.FromMinutes(10);
        _vault.TokenMaxTtl = TimeSpan.FromHours(1);
        _jwtPath = Path.Join(_folder.Root, "token");
        RotateJwt();
    }

    public void AddSource(KubernetesSecretsBuilder secrets)
        => secrets.FromVault(vault =>
        {
            vault.Address = _vault.Address;
            vault.UseKubernetesAuth("payments", "kubernetes", _jwtPath);
            vault.PollInterval = TimeSpan.FromSeconds(30);
            vault.HttpMessageHandlerFactory = () => _world.NewHandler();
            vault.Secret("secret/chaos/g0");
            vault.Secret("secret/chaos/g1");
        });

    public Task WriteAsync(WriteStep write)
    {
        foreach (var (group, mask) in write.Masks)
        {
            _vault.PutKv2("chaos/g" + group, JsonSerializer.Serialize(ChaosStore.Content(write.N, group, mask)));
        }

        return Task.CompletedTask;
    }

    public FaultStep NextFault(Random random)
    {
        var name = s_faults[random.Next(s_faults.Length)];
        return CommonFaults.Next(name, random, maxResets: 5) ?? name switch
        {
            "read-5xx" or "login-5xx" => new FaultStep(name, random.Next(2) == 0 ? 500 : 503),
            "read-429" => new FaultStep(name, random.Next(-1, 121)), // -1: no Retry-After
            "read-garbage" or "read-truncated" or "login-refused" => new FaultStep(name, random.Next(1, 4)),
            "short-ttl" => new FaultStep(name, random.Next(5, 121)),
            _ => new FaultStep(name),
        };
    }

    public Task ApplyAsync(FaultStep fault)
    {
        switch (fault.Name)
        {
            case "seal":
                _vault.Sealed = true;
                break;
            case "unseal":
                _vault.Sealed = false;
                break;
            case "read-5xx":
                FailReads(new VaultFault(fault.Arg, """{"errors":["internal error"]}"""), 1);
                break;
            case "read-429":
                FailReads(new VaultFault(429, """{"errors":["request rate limit exceeded"]}""", fault.Arg < 0 ? null : fault.Arg), 1);
                break;
            case "read-garbage":
                FailReads(new VaultFault(200, "<html><body>upstream connect error " + ChaosStore.Sentinel + "</body></html>"), fault.Arg);
                break;
            case "read-truncated":
                FailReads(new VaultFault(200, "{\"data\":{\"data\":{\"g0k0\":\"" + ChaosStore.Sentinel + "v9"), fault.Arg);
                break;
            case "login-5xx":
                _vault.Fail("auth/kubernetes/login", new VaultFault(fault.Arg, """{"errors":["internal error"]}"""));
                break;
            case "login-refused":
                // The JWT has expired: logins are refused until the kubelet writes a new one.
                _vault.Fail("auth/kubernetes/login", new VaultFault(403, """{"errors":["permission denied"]}"""), fault.Arg);
                break;
            case "token-revoked":
                foreach (var token in _vault.LiveTokens())
                {
                    _vault.RevokeToken(token);
                }

                break;
            case "short-ttl":
                // Tokens issued from now on live only seconds: renewal and login must keep up.
                _vault.TokenTtl = TimeSpan.FromSeconds(fault.Arg);
                _vault.TokenMaxTtl = TimeSpan.FromSeconds(fault.Arg * 3);
                break;
            case "jwt-rotation":
                RotateJwt();
                break;
            default:
                CommonFaults.TryApply(_world, fault);
                break;
        }

        return Task.CompletedTask;
    }

    public Task HealAsync()
    {
        _vault.Sealed = false;
        _vault.ClearFaults();
        _vault.TokenTtl = TimeSpan.FromMinutes(10);
        _vault.TokenMaxTtl = TimeSpan.FromHours(1);
        RotateJwt();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_vault is not null)
        {
            await _vault.DisposeAsync();
        }

        _folder.Dispose();
    }

    private void FailReads(VaultFault fault, int times)
    {
        for (var group = 0; group < Groups; group++)
        {
            _vault.Fail("secret/data/chaos/g" + group, fault, times);
        }
    }

    private void RotateJwt()
    {
        var jwt = $"eyJhbGciOiJSUzI1NiJ9.jwt-{Interlocked.Increment(ref _jwts)}-{ChaosStore.Sentinel}";
        _credentials.Enqueue(jwt);
        File.WriteAllText(_jwtPath, jwt + "\n");
    }
}
