using System.Globalization;

using K8sSecrets.Configuration.Kubernetes;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>
/// Many clients cut off at the same moment, run through the informer's own reconnect policy
/// (<see cref="WatchBackoff.Delay"/>, default <see cref="ApiSecretOptions"/> and the builder's default retry policy):
/// the wait before the first attempt after a cut-off is a random part of <c>ReconnectSpread</c>;
/// while the API server is down every attempt is refused and counts one more failure, which
/// doubles the next wait from <c>MinRetryDelay</c>, jittered, as <c>SecretInformer.RunAsync</c> does.
/// </summary>
internal static class ReconnectSimulation
{
    public static void Run(int clients, TimeSpan outage, int seed)
    {
        var options = new ApiSecretOptions();
        var retry = new SecretRetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10));
        _ = seed; // the policy's jitter comes from Random.Shared
        var firsts = new List<double>();
        var reconnects = new List<double>();
        var all = new List<double>();
        var smallestGap = double.PositiveInfinity;
        for (var client = 0; client < clients; client++)
        {
            var attempts = Attempts(options, retry, outage);
            firsts.Add(attempts[0]);
            reconnects.Add(attempts[^1]);
            all.AddRange(attempts);
            for (var i = 1; i < attempts.Count; i++)
            {
                smallestGap = Math.Min(smallestGap, attempts[i] - attempts[i - 1]);
            }
        }

        var gap = double.IsPositiveInfinity(smallestGap) ? "none (one attempt each)" : smallestGap.ToString("F3", CultureInfo.InvariantCulture) + " s";
        Console.WriteLine(
            $"simulated {clients} clients, API server down {outage.TotalSeconds:F0} s after the cut-off (seed {seed}): " +
            $"first attempt {Stats.Seconds(firsts)}; reconnected {Stats.Seconds(reconnects)}, busiest second {Stats.BusiestSecond(reconnects)}; " +
            $"{all.Count} attempts in all (refused ones included), busiest second {Stats.BusiestSecond(all)}; smallest gap between one client's attempts {gap}");
    }

    /// <summary>The attempt times (seconds after the cut-off) of one client; the last one reconnects.</summary>
    private static List<double> Attempts(ApiSecretOptions options, SecretRetryPolicy retry, TimeSpan outage)
    {
        var times = new List<double>();
        var now = TimeSpan.Zero;
        var failures = 0;
        var dropped = true;
        while (true)
        {
            now += WatchBackoff.Delay(failures, dropped, null, retry, options.ReconnectSpread);
            times.Add(now.TotalSeconds);
            if (now >= outage)
            {
                return times;
            }

            failures++;
            dropped = false;
        }
    }
}
