using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using K8sSecrets.Configuration.Azure;
using K8sSecrets.Configuration.Azure.Tests;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// Azure Key Vault (<c>FromAzureKeyVault</c>, every secret of the vault) against <see cref="FakeKeyVault"/>
/// over https loopback, with the real <see cref="SecretClient"/>. A Key Vault secret holds one value,
/// so each secret is a one-key group and a published state may show secrets at different versions.
/// Faults: 429 (with and without Retry-After) and 5xx on the listing and on one secret, garbage and
/// truncated bodies, the credential failing (the token endpoint down), connections reset, hung or slow.
/// </summary>
internal sealed class AzureChaosTarget : IChaosTarget
{
    private static readonly string[] s_faults =
    [
        "list-429", "get-429", "list-5xx", "get-5xx", "list-garbage", "get-garbage", "list-truncated", "get-truncated",
        "credential-failure", .. CommonFaults.Connection,
    ];

    private ChaosWorld _world = null!;
    private FakeKeyVault _vault = null!;
    private int _credentialFailures;

    public string Name => "azure";

    public int Groups => 4;

    public int KeysPerGroup => 1;

    public bool CanDeleteGroup => true;

    public bool WritesManyGroups => false;

    /// <inheritdoc cref="CommonFaults.PolledConvergenceBound"/>
    public TimeSpan ConvergenceBound => CommonFaults.PolledConvergenceBound;

    public long Activity => _vault?.Requests.Count ?? 0;

    public IEnumerable<string> Credentials => [FakeCredential.Token];

    public async Task StartAsync(ChaosWorld world)
    {
        _world = world;
        _vault = await FakeKeyVault.StartAsync(world.Clock.Fake);
    }

    public void AddSource(KubernetesSecretsBuilder secrets)
        => secrets.FromAzureKeyVault(kv =>
        {
            kv.VaultUri = _vault.Address;
            kv.Credential = new Credential(this);
            var options = new SecretClientOptions
            {
                Transport = new HttpClientTransport(_world.NewHandler(inner: TestCertificate.TrustingHandler())),
                DisableChallengeResourceVerification = true,
            };
            options.Retry.MaxRetries = 0; // every retry is the source's, on the fake clock
            kv.ClientOptions = options;
            kv.PollInterval = TimeSpan.FromSeconds(30);
        });

    public Task WriteAsync(WriteStep write)
    {
        foreach (var (group, mask) in write.Masks)
        {
            var name = ChaosStore.Key(group, 0);
            if (mask == 0)
            {
                _vault.Delete(name);
            }
            else
            {
                _vault.Put(name, ChaosStore.Value(write.N, name));
            }
        }

        return Task.CompletedTask;
    }

    public FaultStep NextFault(Random random)
    {
        var name = s_faults[random.Next(s_faults.Length)];
        return CommonFaults.Next(name, random) ?? name switch
        {
            "list-429" or "get-429" => new FaultStep(name, random.Next(-1, 121)), // -1: no Retry-After
            "list-5xx" or "get-5xx" => new FaultStep(name, random.Next(2) == 0 ? 500 : 503),
            "credential-failure" => new FaultStep(name, random.Next(1, 4)),
            _ => new FaultStep(name, random.Next(Groups)),
        };
    }

    public Task ApplyAsync(FaultStep fault)
    {
        const string Throttled = """{"error":{"code":"Throttled","message":"Rate limit is exceeded. Try again in 10 seconds."}}""";
        const string Down = """{"error":{"code":"ServiceUnavailable","message":"The service is unavailable."}}""";
        var garbage = "<html><body>502 Bad Gateway " + ChaosStore.Sentinel + "</body></html>";
        var truncated = "{\"value\":\"" + ChaosStore.Sentinel + "v9:g0k0\",\"id\":\"https://";
        var secret = ChaosStore.Key(fault.Arg % Groups, 0);
        switch (fault.Name)
        {
            case "list-429":
                _vault.Fail("list", new KeyVaultFault(429, Throttled, fault.Arg < 0 ? null : fault.Arg));
                break;
            case "get-429":
                _vault.Fail(ChaosStore.Key(Math.Abs(fault.Arg) % Groups, 0), new KeyVaultFault(429, Throttled, fault.Arg < 0 ? null : fault.Arg));
                break;
            case "list-5xx":
                _vault.Fail("list", new KeyVaultFault(fault.Arg, Down));
                break;
            case "get-5xx":
                _vault.Fail(ChaosStore.Key(fault.Arg % Groups, 0), new KeyVaultFault(fault.Arg, Down));
                break;
            case "list-garbage":
                _vault.Fail("list", new KeyVaultFault(200, garbage));
                break;
            case "get-garbage":
                _vault.Fail(secret, new KeyVaultFault(200, garbage));
                break;
            case "list-truncated":
                _vault.Fail("list", new KeyVaultFault(200, "{\"value\":[{\"id\":\"https://"));
                break;
            case "get-truncated":
                _vault.Fail(secret, new KeyVaultFault(200, truncated));
                break;
            case "credential-failure":
                Interlocked.Add(ref _credentialFailures, fault.Arg);
                break;
            case "reset":
                // One reset whatever the drawn count (unlike the other targets): kept so recorded seeds replay as they ran.
                _world.EnqueueConnectionFault(ConnectionFault.Reset);
                break;
            default:
                CommonFaults.TryApply(_world, fault);
                break;
        }

        return Task.CompletedTask;
    }

    public Task HealAsync()
    {
        _vault.ClearFaults();
        Volatile.Write(ref _credentialFailures, 0);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_vault is not null)
        {
            await _vault.DisposeAsync();
        }
    }

    /// <summary>
    /// The fake's one token, handed out as already expired so the client asks for it at every request,
    /// and refused (the token endpoint down) while failures are queued.
    /// </summary>
    private sealed class Credential(AzureChaosTarget target) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => Interlocked.Decrement(ref target._credentialFailures) >= 0
                ? throw new AuthenticationFailedException("chaos: the token endpoint answered 503")
                : Take();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => ValueTask.FromResult(GetToken(requestContext, cancellationToken));

        private AccessToken Take()
        {
            Interlocked.Exchange(ref target._credentialFailures, 0);
            return new AccessToken(FakeCredential.Token, DateTimeOffset.UtcNow);
        }
    }
}
