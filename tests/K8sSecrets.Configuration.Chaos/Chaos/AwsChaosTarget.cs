using System.Text.Json;
using Amazon.Runtime;
using K8sSecrets.Configuration.Aws;
using K8sSecrets.Configuration.Aws.Tests;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// AWS Secrets Manager (<c>FromAwsSecretsManager</c>) against <see cref="FakeSecretsManager"/>, which
/// checks every SigV4 signature against its own clock (the run's fake time, unmoved by wall-clock
/// steps). Each secret is a JSON object flattened at the root and a group: one <c>PutSecretValue</c>
/// replaces all its fields; two secrets change independently. Faults: <c>ThrottlingException</c> (with
/// and without Retry-After), 5xx, garbage and truncated bodies, <c>ExpiredTokenException</c>, one secret
/// failing inside a 200 batch, wall-clock steps (signatures out of the server's window), connections
/// reset, hung or slow.
/// </summary>
internal sealed class AwsChaosTarget : IChaosTarget
{
    private static readonly string[] s_faults =
    [
        "throttled", "5xx", "garbage", "truncated", "expired-token", "secret-error", "clock-step", .. CommonFaults.Connection,
    ];

    private ChaosWorld _world = null!;
    private FakeSecretsManager _fake = null!;

    public string Name => "aws";

    public int Groups => 2;

    public int KeysPerGroup => 3;

    public bool CanDeleteGroup => false;

    public bool WritesManyGroups => false;

    /// <inheritdoc cref="CommonFaults.PolledConvergenceBound"/>
    public TimeSpan ConvergenceBound => CommonFaults.PolledConvergenceBound;

    public long Activity => _fake?.Requests.Count ?? 0;

    public IEnumerable<string> Credentials => [FakeSecretsManager.SecretKey, FakeSecretsManager.SessionToken];

    public async Task StartAsync(ChaosWorld world)
    {
        _world = world;
        _fake = await FakeSecretsManager.StartAsync(world.Clock.Fake);
    }

    public void AddSource(KubernetesSecretsBuilder secrets)
        => secrets.FromAwsSecretsManager(aws =>
        {
            aws.Region = FakeSecretsManager.Region;
            aws.ServiceUrl = _fake.Address;
            aws.Credentials = new SessionAWSCredentials(FakeSecretsManager.AccessKey, FakeSecretsManager.SecretKey, FakeSecretsManager.SessionToken);
            aws.PollInterval = TimeSpan.FromSeconds(30);
            aws.HttpMessageHandlerFactory = () => _world.NewHandler();
            aws.Secret("chaos/g0");
            aws.Secret("chaos/g1");
        });

    public Task WriteAsync(WriteStep write)
    {
        foreach (var (group, mask) in write.Masks)
        {
            _fake.Put("chaos/g" + group, JsonSerializer.Serialize(ChaosStore.Content(write.N, group, mask)));
        }

        return Task.CompletedTask;
    }

    public FaultStep NextFault(Random random)
    {
        var name = s_faults[random.Next(s_faults.Length)];
        return CommonFaults.Next(name, random) ?? name switch
        {
            "throttled" => new FaultStep(name, random.Next(-1, 121)), // -1: no Retry-After
            "5xx" => new FaultStep(name, random.Next(2) == 0 ? 500 : 503),
            "garbage" or "truncated" or "expired-token" or "secret-error" => new FaultStep(name, random.Next(1, 4)),
            _ => new FaultStep(name),
        };
    }

    public Task ApplyAsync(FaultStep fault)
    {
        switch (fault.Name)
        {
            case "throttled":
                Fail(new SmFault(400, """{"__type":"ThrottlingException","Message":"Rate exceeded"}""", fault.Arg < 0 ? null : fault.Arg), 1);
                break;
            case "5xx":
                Fail(new SmFault(fault.Arg, """{"__type":"InternalServiceError","Message":"An error occurred on the server side."}"""), 1);
                break;
            case "garbage":
                Fail(new SmFault(200, "<html><body>504 Gateway Time-out " + ChaosStore.Sentinel + "</body></html>"), fault.Arg);
                break;
            case "truncated":
                Fail(new SmFault(200, "{\"SecretValues\":[{\"Name\":\"chaos/g0\",\"SecretString\":\"{\\\"g0k0\\\":\\\"" + ChaosStore.Sentinel), fault.Arg);
                break;
            case "expired-token":
                Fail(new SmFault(400, """{"__type":"ExpiredTokenException","Message":"The security token included in the request is expired"}"""), fault.Arg);
                break;
            case "secret-error":
                _fake.SecretErrors["chaos/g" + (fault.Arg % Groups)] = fault.Arg == 3 ? "InternalServiceError" : "ThrottlingException";
                break;
            default:
                CommonFaults.TryApply(_world, fault);
                break;
        }

        return Task.CompletedTask;
    }

    public Task HealAsync()
    {
        _fake.SecretErrors.Clear();
        _fake.Outage = null;
        _fake.ClearFaults();
        _world.Clock.WallClockStep = TimeSpan.Zero; // NTP has caught up
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }
    }

    private void Fail(SmFault fault, int times)
    {
        _fake.Fail("BatchGetSecretValue", fault, times);
        _fake.Fail("GetSecretValue", fault, times);
    }
}
