using System.Collections.Concurrent;
using System.Diagnostics;
using K8sSecrets.Configuration.Testing;
using Xunit.Abstractions;

namespace K8sSecrets.Configuration.AspNetCore.Tests;

public sealed class ServerRotationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Rotation_under_load_fails_no_request_and_every_handshake_after_a_publish_gets_the_new_certificate()
    {
        using var pki = new Pki();
        using var volume = new KubeletVolume();
        using var logs = new LogCapture();
        var leaves = new List<Leaf> { pki.Issue(KeyFormat.Pkcs8) };
        volume.Write(leaves[0].Secret(pki.RootPem));
        await using var server = await TlsServer.StartAsync(logs, volume.Root);
        var monitor = server.Monitor("Tls");
        var published = new ConcurrentQueue<(long At, string Thumbprint)>();
        published.Enqueue((0, leaves[0].Thumbprint));
        monitor.Published += material => published.Enqueue((Stopwatch.GetTimestamp(), material.Thumbprint));

        var run = new LoadRun(server.Address, pki.Root, clients: 4);
        var swaps = new List<long>();
        (KeyFormat Format, bool Rsa)[] kinds = [(KeyFormat.Pkcs1, true), (KeyFormat.Ec, false), (KeyFormat.Pkcs8, true), (KeyFormat.Pkcs8, false)];
        for (var rotation = 0; rotation < kinds.Length; rotation++)
        {
            var (format, rsa) = kinds[rotation];
            var leaf = pki.Issue(format, rsa);
            leaves.Add(leaf);
            await volume.WriteAsync(leaf.Secret(pki.RootPem), step =>
            {
                if (step == KubeletStep.CreateVisibleLinks)
                {
                    swaps.Add(Stopwatch.GetTimestamp());
                }

                return Task.CompletedTask;
            });
            await Eventually.HoldsAsync(
                () => server.Handshakes.Count(h => h.ServerThumbprint == leaf.Thumbprint) >= 5,
                $"five handshakes got rotation {rotation}'s certificate");
        }

        var (requests, failures, firstFailure) = await run.StopAsync();
        Assert.True(failures == 0, $"{failures} of {requests} requests failed; first: {firstFailure}");

        // A handshake whose certificate was chosen after a publish gets that generation or a later one.
        var order = leaves.Select(l => l.Thumbprint).ToList();
        var publishes = published.ToArray();
        Assert.Equal(order, publishes.Select(p => p.Thumbprint));
        var handshakes = server.Handshakes.ToArray();
        foreach (var handshake in handshakes)
        {
            var latest = publishes.Last(p => p.At <= handshake.SelectedAt);
            Assert.True(
                order.IndexOf(handshake.ServerThumbprint) >= order.IndexOf(latest.Thumbprint),
                $"a handshake chosen after {latest.Thumbprint} was published got {handshake.ServerThumbprint}");
        }

        Assert.True(run.NewConnectionRequests > 0 && run.ReusedConnectionRequests > 0, "both kinds of client ran");
        Report(output, swaps, leaves.Skip(1).Select(l => l.Thumbprint).ToList(), handshakes);
        foreach (var leaf in leaves)
        {
            logs.AssertNoSentinel(leaf.KeySentinel);
        }
    }

    /// <summary>Prints the kubelet swap to first new handshake times (not asserted: timings are the machine's).</summary>
    internal static void Report(ITestOutputHelper output, List<long> swaps, List<string> thumbprints, Handshake[] handshakes)
    {
        var latencies = swaps.Zip(thumbprints, (swap, thumbprint) => handshakes.Where(h => h.ServerThumbprint == thumbprint).Min(h => h.DoneAt) - swap)
            .Select(ticks => ticks * 1000.0 / Stopwatch.Frequency)
            .Order()
            .ToArray();
        output.WriteLine($"rotations {latencies.Length}, handshakes {handshakes.Length}; swap to first new handshake ms: p50 {Percentile(latencies, 0.5):0.0}, p99 {Percentile(latencies, 0.99):0.0}, max {latencies.Max():0.0}");
    }

    internal static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
