using System.Diagnostics;
using System.Globalization;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using K8sSecrets.Configuration.Azure;
using K8sSecrets.Configuration.Azure.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>
/// Measures <c>FromAzureKeyVault</c> against the tests' fake Key Vault (https loopback, 20 ms per
/// request): a cold load of 200 secrets, an idle poll, and the poll schedule of 100 pods.
/// </summary>
internal static class AzureProbe
{
    private const int Secrets = 200;
    private static readonly TimeSpan s_latency = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync()
    {
        var ok = await ColdLoadAsync(run: 1) & await ColdLoadAsync(run: 2) & await IdlePollAsync();
        ok &= Spread(pods: 100, interval: TimeSpan.FromMinutes(5), rollout: TimeSpan.Zero, seed: 1);
        ok &= Spread(pods: 100, interval: TimeSpan.FromMinutes(5), rollout: TimeSpan.FromSeconds(60), seed: 2);
        ok &= Spread(pods: 100, interval: TimeSpan.FromSeconds(10), rollout: TimeSpan.Zero, seed: 3);
        return ok ? 0 : 1;
    }

    private static async Task<bool> ColdLoadAsync(int run)
    {
        await using var vault = await StartVaultAsync();
        var watch = Stopwatch.StartNew();
        using var config = (ConfigurationRoot)Build(vault, TimeSpan.FromMinutes(5));
        watch.Stop();
        var pages = vault.ListCount;
        var gets = vault.GetCount;
        var allowedPages = (Secrets + 24) / 25;
        var keys = config.AsEnumerable().Count(p => p.Value is not null);
        var ok = watch.Elapsed < TimeSpan.FromSeconds(1) && pages <= allowedPages && gets <= Secrets && keys == Secrets;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"cold load #{run}: {Secrets} secrets, 20 ms/request: {watch.Elapsed.TotalMilliseconds:0} ms (target < 1000; sequential would be ~{(Secrets + pages + 1) * 20} ms), "
            + $"{pages} list pages (<= {allowedPages}) + {gets} value GETs (<= {Secrets}) + {vault.Requests.Count(r => !r.HadAuthorization)} challenge, max {vault.MaxInFlight} in flight, {keys} keys: {(ok ? "PASS" : "FAIL")}"));
        return ok;
    }

    private static async Task<bool> IdlePollAsync()
    {
        await using var vault = await StartVaultAsync();
        using var config = (ConfigurationRoot)Build(vault, TimeSpan.FromSeconds(1));
        var reloads = 0;
        using var subscription = ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));
        var (pages, gets) = (vault.ListCount, vault.GetCount);
        var deadline = Stopwatch.StartNew();
        while (vault.ListCount < pages + (3 * 8) && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }

        var polls = (vault.ListCount - pages) / 8.0;
        var ok = polls >= 3 && vault.GetCount == gets && reloads == 0;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"idle polls: {polls:0.#} polls of {Secrets} unchanged secrets: {vault.ListCount - pages} list pages, {vault.GetCount - gets} value GETs, {reloads} reloads: {(ok ? "PASS" : "FAIL")}"));
        return ok;
    }

    /// <summary>
    /// The requests of <paramref name="pods"/> pods polling one vault (8 list pages of 20 ms each per
    /// poll), on the schedule the source computes (<see cref="PollSchedule"/>), counted in 100 ms
    /// windows over the ten intervals after the start-up loads.
    /// </summary>
    private static bool Spread(int pods, TimeSpan interval, TimeSpan rollout, int seed)
    {
        const int pagesPerPoll = Secrets / 25;
        var random = new Random(seed);
        var window = TimeSpan.FromMilliseconds(100);
        var horizon = interval * 11;
        var counts = new int[(int)(horizon / window) + 1];
        var pollCounts = new int[counts.Length];
        var baseline = new int[counts.Length];
        for (var pod = 0; pod < pods; pod++)
        {
            var start = rollout * random.NextDouble();
            var at = start + PollSchedule.First(interval, random.NextDouble());
            while (at < horizon)
            {
                pollCounts[(int)(at / window)]++;
                for (var page = 0; page < pagesPerPoll; page++)
                {
                    counts[(int)((at + (s_latency * page)) / window)]++;
                }

                at += PollSchedule.Next(interval, random.NextDouble());
            }

            // AddAzureKeyVault's ReloadInterval: a fixed delay after the start-up load.
            for (var fixedAt = start + interval; fixedAt < horizon; fixedAt += interval)
            {
                baseline[(int)(fixedAt / window)]++;
            }
        }

        var first = (int)(interval / window);
        var steady = counts[first..^1];
        var average = steady.Average();
        var max = steady.Max();
        var busiest = pollCounts[first..^1].Max();
        var baselineBusiest = baseline[first..^1].Max();
        var percentile = steady.Order().ElementAt((int)(steady.Length * 0.999));
        var ok = max <= 2 * Math.Max(average, pagesPerPoll);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"spread: {pods} pods, interval {interval.TotalSeconds:0} s, started over {rollout.TotalSeconds:0} s: {steady.Sum()} requests in {steady.Length} windows of 100 ms, "
            + $"average {average:0.###}/window, max {max} (p99.9 {percentile}), most polls starting in one window {busiest} (fixed-interval baseline: {baselineBusiest}); "
            + $"max <= 2 x max(average, one poll's {pagesPerPoll} pages): {(ok ? "PASS" : "FAIL")}"));
        return ok;
    }

    private static async Task<FakeKeyVault> StartVaultAsync()
    {
        var vault = await FakeKeyVault.StartAsync(TimeProvider.System);
        for (var i = 0; i < Secrets; i++)
        {
            vault.Put($"App--Secret{i:000}", $"value-{i}");
        }

        vault.Latency = s_latency;
        return vault;
    }

    private static IConfigurationRoot Build(FakeKeyVault vault, TimeSpan poll)
    {
        var options = new SecretClientOptions
        {
            Transport = new HttpClientTransport(TestCertificate.TrustingHandler()),
            DisableChallengeResourceVerification = true,
        };
        return new ConfigurationBuilder().AddKubernetesSecrets(secrets => secrets.FromAzureKeyVault(kv =>
        {
            kv.VaultUri = vault.Address;
            kv.Credential = new FakeCredential();
            kv.ClientOptions = options;
            kv.PollInterval = poll;
        })).Build();
    }
}
