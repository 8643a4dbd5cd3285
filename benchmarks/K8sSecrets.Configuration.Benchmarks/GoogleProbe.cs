using System.Diagnostics;
using Google.Apis.Auth.OAuth2;
using K8sSecrets.Configuration.Google.Tests;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>
/// FromGoogleSecretManager against the tests' fake Secret Manager with 20 ms injected latency per
/// request: the cold load of N secrets (bounded parallelism, default 10 in flight, and 1 for
/// comparison), then real polls with nothing changed (metadata reads only: no access, no reload).
/// </summary>
internal static class GoogleProbe
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync(int secrets)
    {
        await using var metadata = await FakeMetadataServer.StartAsync();
        await using var store = await FakeSecretManager.StartAsync(metadata.IsValid);
        for (var i = 0; i < secrets; i++)
        {
            store.AddVersion($"secret-{i:00}", $"value-{i}");
        }

        store.Latency = Latency;
        Console.WriteLine($"google probe: {secrets} secrets, {Latency.TotalMilliseconds:0} ms injected latency per request");

        // The first build in the process pays for JIT and the first connections; the next ones show the steady cost.
        foreach (var concurrency in new[] { 10, 10, 10, 1 })
        {
            var before = store.Requests.Count;
            var watch = Stopwatch.StartNew();
            var config = Build(metadata, store, secrets, concurrency, TimeSpan.FromMinutes(5));
            watch.Stop();
            Console.WriteLine($"  cold load, {concurrency,2} in flight: {watch.Elapsed.TotalMilliseconds,6:0} ms, {store.Requests.Count - before} requests, max in flight seen {store.MaxInFlight}");
            ((IDisposable)config).Dispose();
        }

        // Real polls with nothing changed: every secret's version accessed (access quota), no metadata read, no reload.
        var polled = Build(metadata, store, secrets, 10, TimeSpan.FromSeconds(1));
        var provider = polled.Providers.OfType<SecretsConfigurationProvider>().Single();
        var reloads = 0;
        provider.Changed += (_, _) => Interlocked.Increment(ref reloads);
        var access = store.Count("access");
        var metadataReads = MetadataReads(store);
        var deadline = Stopwatch.StartNew();
        while (store.Count("access") < access + (2 * secrets) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        var accessed = store.Count("access") - access;
        var read = MetadataReads(store) - metadataReads;
        Console.WriteLine($"  unchanged polls: {accessed / (double)secrets:0.#} polls, {read} metadata reads, {accessed} access calls, {reloads} reloads");
        ((IDisposable)polled).Dispose();
        return read == 0 && reloads == 0 ? 0 : 1;
    }

    private static int MetadataReads(FakeSecretManager store) => store.Count("list") + store.Count("secret") + store.Count("version");

    private static IConfigurationRoot Build(FakeMetadataServer metadata, FakeSecretManager store, int secrets, int concurrency, TimeSpan poll)
        => new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromGoogleSecretManager(gcp =>
        {
            gcp.ProjectId = FakeSecretManager.Project;
            gcp.Credential = new ComputeCredential(new ComputeCredential.Initializer(metadata.TokenUrl));
            gcp.Endpoint = store.Address;
            gcp.MaxConcurrentRequests = concurrency;
            gcp.PollInterval = poll;
            for (var i = 0; i < secrets; i++)
            {
                gcp.Secret($"secret-{i:00}");
            }
        })).Build();
}
