using System.Diagnostics;
using System.Globalization;
using K8sSecrets.Configuration.Aws.Tests;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>
/// Counts the Secrets Manager calls of the AWS source against the tests' signature-checking fake
/// on loopback, with latency injected into every answer: a cold load of N named secrets, then an
/// unchanged poll; and prints API calls per month against list-then-get-each.
/// </summary>
internal static class AwsProbe
{
    public static async Task<int> RunAsync(int secrets, int latencyMs)
    {
        await using var fake = await FakeSecretsManager.StartAsync(TimeProvider.System);
        fake.Latency = TimeSpan.FromMilliseconds(latencyMs);
        for (var i = 0; i < secrets; i++)
        {
            fake.Put($"prod/app/secret-{i:D2}", $$"""{"user":"u{{i}}","password":"p{{i}}"}""");
        }

        var started = Stopwatch.GetTimestamp();
        var config = new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromAwsSecretsManager(aws =>
        {
            aws.Region = FakeSecretsManager.Region;
            aws.ServiceUrl = fake.Address;
            aws.Credentials = new Amazon.Runtime.SessionAWSCredentials(FakeSecretsManager.AccessKey, FakeSecretsManager.SecretKey, FakeSecretsManager.SessionToken);
            aws.PollInterval = TimeSpan.FromSeconds(1);
            for (var i = 0; i < secrets; i++)
            {
                aws.Secret($"prod/app/secret-{i:D2}", section: $"S{i:D2}");
            }
        })).Build();
        var cold = Stopwatch.GetElapsedTime(started);
        var coldList = fake.Count("ListSecrets");
        var coldValue = fake.ValueCalls;
        var coldCalls = fake.Requests.Count;

        // Wait (bounded) for one unchanged poll; the interval is jittered down by up to 10%.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (fake.Requests.Count == coldCalls && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Task.Delay(latencyMs * 4);
        var pollCalls = fake.Requests.Count - coldCalls;
        var pollValue = fake.ValueCalls - coldValue;
        (config as IDisposable)?.Dispose();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"AWS Secrets Manager, {secrets} named secrets, {latencyMs} ms injected latency per call"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cold load: {coldCalls} calls ({coldList} ListSecrets, {coldValue} BatchGetSecretValue), {cold.TotalMilliseconds:0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  unchanged poll: {pollCalls} call(s), {pollValue} value calls"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  all signatures valid: {fake.Requests.All(r => r.SignatureValid)}"));
        PrintMonthlyTable(pods: 100, secretsPerPod: secrets, interval: TimeSpan.FromMinutes(5), ourPollCalls: pollCalls);
        return pollValue == 0 && coldValue <= 3 ? 0 : 1;
    }

    private static void PrintMonthlyTable(int pods, int secretsPerPod, TimeSpan interval, int ourPollCalls)
    {
        var pollsPerMonth = TimeSpan.FromDays(30) / interval;
        var listPages = (secretsPerPod + 99) / 100;
        var batches = (secretsPerPod + 19) / 20;
        (string Approach, double PerPoll)[] rows =
        [
            ("this source (ListSecrets version check; values only on change)", ourPollCalls),
            ("list, then BatchGetSecretValue every value", listPages + batches),
            ("list, then GetSecretValue each (Kralizek UseBatchFetch=false)", listPages + secretsPerPod),
        ];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  API calls per month, {pods} pods x {secretsPerPod} secrets, poll every {interval.TotalMinutes:0} min ({pollsPerMonth:0} polls/pod/month, nothing rotating):"));
        Console.WriteLine("  | approach | calls per poll | calls per month | USD at $0.05 per 10,000 |");
        Console.WriteLine("  |---|---:|---:|---:|");
        foreach (var (approach, perPoll) in rows)
        {
            var month = perPoll * pollsPerMonth * pods;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  | {approach} | {perPoll:0} | {month:N0} | {month / 10000 * 0.05:0.00} |"));
        }
    }
}
