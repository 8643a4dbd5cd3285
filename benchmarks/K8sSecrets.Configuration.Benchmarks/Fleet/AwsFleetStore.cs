using System.Globalization;
using K8sSecrets.Configuration.Aws.Tests;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>
/// The fake Secrets Manager holding the fleet's secrets, with the account's request quotas enforced on the
/// fleet clock (<c>BatchGetSecretValue</c> and <c>ListSecrets</c> 100 per second each); each client is a
/// <c>FromAwsSecretsManager</c> source naming every secret, with its own HTTP handler.
/// </summary>
internal sealed class AwsFleetStore : ICloudFleetStore
{
    private readonly FakeSecretsManager _fake;
    private readonly int _secrets;
    private readonly TimeSpan _poll;

    private AwsFleetStore(FakeSecretsManager fake, int secrets, TimeSpan poll)
    {
        _fake = fake;
        _secrets = secrets;
        _poll = poll;
    }

    public string Store => "AWS Secrets Manager";

    public string WatchedKey => "app:secret-000";

    public IReadOnlyList<(string Operation, QuotaWindow Quota)> Quotas =>
        [("BatchGetSecretValue", _fake.Quota!.BatchGetSecretValue), ("ListSecrets", _fake.Quota!.ListSecrets)];

    public long Requests => _fake.Requests.Count;

    /// <summary>Values 20 per BatchGetSecretValue; one ListSecrets page (100 names) for the versions.</summary>
    public IReadOnlyList<int> ColdLoadCalls => [(_secrets + 19) / 20, (_secrets + 99) / 100];

    public string Settings => $"{_secrets} named secrets (ListSecrets + BatchGetSecretValue of 20)";

    public static async Task<ICloudFleetStore> StartAsync(FleetClock clock, int secrets, TimeSpan poll)
    {
        var fake = await FakeSecretsManager.StartAsync(clock.Time);
        for (var i = 0; i < secrets; i++)
        {
            fake.Put(Name(i), $"value-{i}");
        }

        fake.Quota = new SecretsManagerQuota(clock.Time);
        return new AwsFleetStore(fake, secrets, poll);
    }

    public void Configure(KubernetesSecretsBuilder secrets, int client)
    {
        secrets.FromAwsSecretsManager(aws =>
        {
            aws.Region = FakeSecretsManager.Region;
            aws.ServiceUrl = _fake.Address;
            aws.Credentials = AwsHarness.TestCredentials;
            aws.PollInterval = _poll;
            for (var i = 0; i < _secrets; i++)
            {
                aws.Secret(Name(i));
            }
        });
    }

    public void Write(string value) => _fake.Put(Name(0), value);

    public ValueTask DisposeAsync() => _fake.DisposeAsync();

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"app/secret-{i:000}");
}
