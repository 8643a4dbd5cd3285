using System.Diagnostics;
using System.Globalization;
using k8s;
using K8sSecrets.Configuration.Kubernetes;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>
/// Every watch of a fleet cut at once: N clients (each its own provider, Kubernetes client and
/// HttpClient, <c>FromApi</c> with default settings) list and watch one Secret on the fake API
/// server behind an <see cref="OutageProxy"/>; the server then forgets its history (a resumed watch
/// gets 410 Gone, as after an etcd compaction or a restart), every connection is reset and new
/// ones are refused for a while. Measured on the clients' side: when each one lists and watches
/// again, the list and watch rate, and how a MODIFIED Secret then reaches every client. Next to it,
/// what the reconnect policy alone predicts for the same outage (<see cref="WatchBackoff.Delay"/>).
/// </summary>
internal static class ApiFleet
{
    private const string Ns = "fleet";
    private const string Name = "app";

    /// <summary>
    /// What the API server's own limit is compared with: it has no request quota but
    /// priority-and-fairness seats, by default --max-requests-inflight 400 plus
    /// --max-mutating-requests-inflight 200 = 600, of which the workload-low level (service
    /// accounts) gets 100 of 245 shares, about 245 seats. A watch holds a seat only while it starts.
    /// </summary>
    private const int MaxRequestsInflight = 400;

    public static async Task<FleetResult> RunAsync(ApiFleetOptions options, CancellationToken cancellationToken)
    {
        await using var server = await FakeKubeApi.StartAsync();
        server.Put(Ns, Name, ("password", "v0"), ("user", "app"));
        await using var proxy = OutageProxy.Start(server.Uri);
        var tap = new VaultApiTap(static r => r.RequestUri?.Query.Contains("watch=true", StringComparison.Ordinal) == true
            || r.RequestUri?.Query.Contains("watch=1", StringComparison.Ordinal) == true ? "watch" : "list");
        var kubes = new k8s.Kubernetes[options.Clients];

        var start = Stopwatch.GetTimestamp();
        var clients = await VaultApiClients.StartAsync(options.Clients, options.StartWindow, start, client =>
        {
            kubes[client] = new k8s.Kubernetes(
                new KubernetesClientConfiguration { Host = proxy.Address.ToString(), AccessToken = "fleet-" + client.ToString(CultureInfo.InvariantCulture) },
                tap.For(client));
            return new ConfigurationBuilder().AddKubernetesSecrets(secrets => secrets.FromApi(api =>
            {
                api.Client = kubes[client];
                api.Namespace = Ns;
                api.SecretNames.Add(Name);
                if (options.ReconnectSpread is { } spread)
                {
                    api.ReconnectSpread = spread;
                }
            })).Build();
        }, cancellationToken);
        var loaded = clients.LastLoadedAt;
        try
        {
            await WaitAsync(() => server.ActiveWatches >= options.Clients - clients.BuildFailures, TimeSpan.FromSeconds(60), cancellationToken);
            var watching = Stopwatch.GetTimestamp();
            await Task.Delay(options.Steady, TimeProvider.System, cancellationToken);

            // Another Secret's change moves the resourceVersion past every client's, so that after
            // the compaction a resumed watch is too old: 410 Gone, then a list.
            server.Put(Ns, "unrelated", ("x", "1"));
            if (options.Compact)
            {
                server.Compact();
            }

            var cut = Stopwatch.GetTimestamp();
            proxy.Down();
            if (options.Down > TimeSpan.Zero)
            {
                await Task.Delay(options.Down, TimeProvider.System, cancellationToken);
            }

            proxy.Up();
            var up = Stopwatch.GetTimestamp();
            var recoveredAt = await RecoveredAsync(tap, options.Clients, cut, TimeSpan.FromSeconds(90), cancellationToken);
            await WaitAsync(() => server.ActiveWatches >= options.Clients - clients.BuildFailures, TimeSpan.FromSeconds(30), cancellationToken);

            var written = 0L;
            var seenAt = await clients.SeeAsync("password", "v1", () =>
            {
                written = Stopwatch.GetTimestamp();
                server.Put(Ns, Name, ("password", "v1"), ("user", "app"));
            }, TimeSpan.FromSeconds(60), cancellationToken);
            var end = Stopwatch.GetTimestamp();
            return Report(options, tap, clients, (start, loaded, watching, cut, up, written, end), recoveredAt, seenAt, server.ActiveWatches, proxy.Accepted);
        }
        finally
        {
            clients.Dispose();
            foreach (var kube in kubes)
            {
                kube?.Dispose();
            }
        }
    }

    /// <summary>Runs the scenario from the command line and prints the result.</summary>
    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        var result = await RunAsync(ApiFleetOptions.Parse(args), CancellationToken.None);
        VaultApiReport.Print(result);
        return result.BuildFailures == 0 && result.PropagationMax is not null ? 0 : 1;
    }

    /// <summary>
    /// Waits (bounded) until every client has listed and then opened a watch again after the cut;
    /// returns when each one's new watch was sent (0: never). A client whose resumed watch was
    /// answered at once has not recovered until it lists: the 410 comes inside that answer. A
    /// watch's own status is known only when it ends, so the list's 200 is what proves the server back.
    /// </summary>
    private static async Task<long[]> RecoveredAsync(VaultApiTap tap, int count, long cut, TimeSpan bound, CancellationToken cancellationToken)
    {
        var listedAt = new long[count];
        var recoveredAt = new long[count];
        var deadline = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Array.Clear(listedAt);
            Array.Clear(recoveredAt);
            foreach (var sent in tap.All.Where(s => s.At >= cut).OrderBy(static s => s.At))
            {
                if (sent is { Kind: "list", Status: 200 } && listedAt[sent.Client] == 0)
                {
                    listedAt[sent.Client] = sent.At;
                }
                else if (sent.Kind == "watch" && listedAt[sent.Client] != 0 && recoveredAt[sent.Client] == 0)
                {
                    recoveredAt[sent.Client] = sent.At;
                }
            }

            if (recoveredAt.All(static t => t != 0) || Stopwatch.GetTimestamp() > deadline)
            {
                return recoveredAt;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System, cancellationToken);
        }
    }

    private static FleetResult Report(
        ApiFleetOptions options,
        VaultApiTap tap,
        VaultApiClients clients,
        (long Start, long Loaded, long Watching, long Cut, long Up, long Written, long End) t,
        long[] recoveredAt,
        long[] seenAt,
        int openWatches,
        int connections)
    {
        var all = tap.All.ToList();
        var afterCut = all.Where(s => s.At >= t.Cut).ToList();
        var firstBack = afterCut.Where(static s => s.Status != 0).Select(s => Stopwatch.GetElapsedTime(t.Cut, s.At).TotalSeconds).DefaultIfEmpty(double.NaN).Min();
        var recovered = recoveredAt.Where(static r => r != 0).Select(r => Stopwatch.GetElapsedTime(t.Cut, r).TotalSeconds).ToList();
        var seen = seenAt.Where(static s => s != 0).Select(s => Stopwatch.GetElapsedTime(t.Written, s).TotalSeconds).ToList();
        var everySeen = seen.Count == clients.Count;
        var steadySeconds = Stopwatch.GetElapsedTime(t.Watching, t.Cut).TotalSeconds;
        var rates = tap.RatePerSecond(t.Start, t.End);
        var model = Model(options.Clients, options.Down, options.ReconnectSpread ?? new ApiSecretOptions().ReconnectSpread);
        var notes = string.Join("; ", new[]
        {
            $"one Secret watched by every client (fieldSelector), default ApiSecretOptions{(options.ReconnectSpread is { } spread ? $" but ReconnectSpread {S(spread)}" : string.Empty)}",
            $"cut at {S(Stopwatch.GetElapsedTime(t.Start, t.Cut))}: every connection reset, {S(options.Down)} refused, history {(options.Compact ? "compacted (resumed watches get 410)" : "kept")}",
            $"after the cut: first request answered at {F(firstBack)} s, all {recovered.Count}/{clients.Count} listed and watching again by {F(recovered.DefaultIfEmpty(double.NaN).Max())} s (median {F(VaultApiTap.Quantile(recovered, 0.5)?.TotalSeconds ?? double.NaN)} s), {openWatches} watches open after",
            $"after the cut: {afterCut.Count(static s => s.Kind == "list" && s.Status != 0)} lists, {afterCut.Count(static s => s.Kind == "watch" && s.Status != 0)} watches answered, {afterCut.Count(static s => s.Status == 0)} attempts refused or reset; peak {tap.PeakPerSecond(static s => s.Status != 0, t.Cut)}/s list+watch (busiest 100 ms: {tap.Peak(static s => s.Status != 0, t.Cut, TimeSpan.FromMilliseconds(100))}), {tap.PeakPerSecond(static s => s.Kind == "list" && s.Status != 0, t.Cut)}/s lists",
            $"peak lists in flight {tap.PeakInFlight("list")}, against the API server's default --max-requests-inflight {MaxRequestsInflight} (APF: about 245 seats for workload-low); it has no per-second quota",
            $"the reconnect policy alone predicts: {model}",
            Late(afterCut, recoveredAt, t.Cut),
            $"{connections} TCP connections accepted by the proxy",
            everySeen ? "every client saw the MODIFIED Secret" : $"{clients.Count - seen.Count} clients did not see the MODIFIED Secret within 60 s",
            clients.BuildFailures == 0 ? "no Build() failure" : "Build() failures: " + string.Join(" | ", clients.FirstFailures),
        });

        return new FleetResult(
            "Kubernetes API",
            "API reconnect",
            clients.Count,
            1,
            options.StartWindow,
            clients.BuildFailures == 0 ? Stopwatch.GetElapsedTime(t.Start, t.Loaded) : null,
            null,
            all.Count(static s => s.Status != 0),
            all.Count(static s => s.Status == 429),
            clients.BuildFailures,
            null,
            rates.DefaultIfEmpty(0).Max(),
            all.Count(s => s.Status != 0 && s.At >= t.Watching && s.At < t.Cut) / steadySeconds,
            VaultApiTap.Quantile(seen, 0.5),
            VaultApiTap.Quantile(seen, 0.99),
            everySeen ? VaultApiTap.Quantile(seen, 1) : null,
            rates,
            notes);
    }

    /// <summary>What the first client that had not recovered when the wait ended did after the cut, for the notes.</summary>
    private static string Late(List<VaultApiTap.Sent> afterCut, long[] recoveredAt, long cut)
    {
        var late = Array.IndexOf(recoveredAt, 0L);
        return late < 0
            ? "every client recovered within the wait"
            : $"client {late} had not recovered when the wait ended; its requests after the cut: "
                + string.Join(", ", afterCut.Where(s => s.Client == late).OrderBy(static s => s.At).Select(s => $"{s.Kind} {s.Status} at {F(Stopwatch.GetElapsedTime(cut, s.At).TotalSeconds)} s"));
    }

    /// <summary>
    /// The reconnect policy without a server (the former ReconnectSimulation): each client's
    /// attempts after the cut, <see cref="WatchBackoff.Delay"/> with the builder's default retry
    /// policy, every attempt before <paramref name="outage"/> ends refused.
    /// </summary>
    private static string Model(int clients, TimeSpan outage, TimeSpan reconnectSpread)
    {
        var retry = new SecretRetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10));
        var reconnects = new List<double>();
        var attempts = new List<double>();
        for (var client = 0; client < clients; client++)
        {
            var now = TimeSpan.Zero;
            for (var failures = 0; ; failures++)
            {
                now += WatchBackoff.Delay(failures, dropped: failures == 0, null, retry, reconnectSpread);
                attempts.Add(now.TotalSeconds);
                if (now >= outage)
                {
                    reconnects.Add(now.TotalSeconds);
                    break;
                }
            }
        }

        return $"reconnected {Stats.Seconds(reconnects)}, busiest second {Stats.BusiestSecond(reconnects)}; {attempts.Count} attempts, busiest second {Stats.BusiestSecond(attempts)}";
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan bound, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition() && Stopwatch.GetElapsedTime(started) < bound)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, cancellationToken);
        }
    }

    private static string S(TimeSpan t) => F(t.TotalSeconds) + " s";

    private static string F(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture);
}
