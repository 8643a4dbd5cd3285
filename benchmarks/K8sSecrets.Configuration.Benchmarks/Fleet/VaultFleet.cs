using System.Diagnostics;
using System.Globalization;
using K8sSecrets.Configuration.Testing;
using K8sSecrets.Configuration.Vault;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>
/// A Vault restart under a fleet: N clients (each its own provider and HttpClient, Kubernetes or
/// AppRole auth, a KV v2 read of a few secrets) start over a window against the fake Vault behind
/// an <see cref="OutageProxy"/>; after one poll interval of steady state Vault goes away
/// (connections reset, then refused), comes back sealed (503) and is unsealed, by default having
/// lost every token so that every client logs in again. Measured on the clients' side: how logins
/// and reads spread when it comes back, then how a KV write reaches every client.
/// </summary>
internal static class VaultFleet
{
    private const string Role = "payments";

    public static async Task<FleetResult> RunAsync(VaultFleetOptions options, CancellationToken cancellationToken)
    {
        await using var vault = await FakeVault.StartAsync(TimeProvider.System);
        for (var s = 0; s < options.Secrets; s++)
        {
            vault.PutKv2(SecretPath(s), $$"""{"{{Key(s)}}":"v0"}""");
        }

        var quota = options.QuotaPerSecond is { } rate ? new VaultRateLimitQuota(rate, TimeProvider.System) { SendHeaders = options.QuotaHeaders } : null;
        vault.RateLimitQuota = quota;
        await using var proxy = OutageProxy.Start(vault.Address);
        using var folder = new TempFolder();
        var jwtPath = folder.Write("token", "eyJhbGciOiJSUzI1NiJ9.fleet-service-account");
        var tap = new VaultApiTap(Kind);

        var start = Stopwatch.GetTimestamp();
        using var clients = await VaultApiClients.StartAsync(options.Clients, options.StartWindow, start, client => Build(client, options, proxy.Address, jwtPath, tap), cancellationToken);
        var loaded = clients.LastLoadedAt;

        // Steady state for one poll interval, then the restart.
        await Task.Delay(options.PollInterval, TimeProvider.System, cancellationToken);
        var restart = Stopwatch.GetTimestamp();
        if (options.LoseTokens)
        {
            foreach (var token in vault.LiveTokens())
            {
                vault.RevokeToken(token);
            }
        }

        vault.Sealed = true;
        proxy.Down();
        await Task.Delay(options.Down, TimeProvider.System, cancellationToken);
        proxy.Up();
        await Task.Delay(options.Sealed, TimeProvider.System, cancellationToken);
        vault.Sealed = false;
        var unsealed = Stopwatch.GetTimestamp();

        var recoveredAt = await RecoveredAsync(tap, options.Clients, unsealed, options.PollInterval * 3, cancellationToken);

        var written = 0L;
        var seenAt = await clients.SeeAsync(Key(0), "v1", () =>
        {
            written = Stopwatch.GetTimestamp();
            vault.PutKv2(SecretPath(0), $$"""{"{{Key(0)}}":"v1"}""");
        }, options.PollInterval * 3, cancellationToken);
        var end = Stopwatch.GetTimestamp();

        return Report(options, tap, clients, quota, (start, loaded, restart, unsealed, written, end), recoveredAt, seenAt, proxy.Accepted);
    }

    /// <summary>Runs the scenario from the command line and prints the result.</summary>
    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        var result = await RunAsync(VaultFleetOptions.Parse(args), CancellationToken.None);
        VaultApiReport.Print(result);
        return result.BuildFailures == 0 && result.PropagationMax is not null ? 0 : 1;
    }

    private static IConfigurationRoot Build(int client, VaultFleetOptions options, Uri address, string jwtPath, VaultApiTap tap)
        => new ConfigurationBuilder().AddKubernetesSecrets(secrets => secrets.FromVault(vault =>
        {
            vault.Address = address;
            vault.AllowInsecureHttp = true;
            vault.PollInterval = options.PollInterval;
            vault.HttpMessageHandlerFactory = () => tap.For(client, new SocketsHttpHandler());
            if (options.AppRole)
            {
                vault.UseAppRole("role-id-1", "secret-id-1");
            }
            else
            {
                vault.UseKubernetesAuth(Role, "kubernetes", jwtPath);
            }

            for (var s = 0; s < options.Secrets; s++)
            {
                vault.Secret("secret/" + SecretPath(s));
            }
        })).Build();

    /// <summary>Waits until every client has read a secret again after the unseal (bounded); returns when each did (0: never).</summary>
    private static async Task<long[]> RecoveredAsync(VaultApiTap tap, int count, long unsealed, TimeSpan bound, CancellationToken cancellationToken)
    {
        var recoveredAt = new long[count];
        var deadline = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Array.Clear(recoveredAt);
            foreach (var sent in tap.All)
            {
                if (sent is { Kind: "read", Status: 200 } && sent.At >= unsealed && (recoveredAt[sent.Client] == 0 || sent.At < recoveredAt[sent.Client]))
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
        VaultFleetOptions options,
        VaultApiTap tap,
        VaultApiClients clients,
        VaultRateLimitQuota? quota,
        (long Start, long Loaded, long Restart, long Unsealed, long Written, long End) t,
        long[] recoveredAt,
        long[] seenAt,
        int connections)
    {
        var all = tap.All.ToList();
        var answered = all.Count(static s => s.Status != 0);
        var steady = all.Count(s => s.Status != 0 && s.At >= t.Loaded && s.At < t.Restart) / Stopwatch.GetElapsedTime(t.Loaded, t.Restart).TotalSeconds;
        var rates = tap.RatePerSecond(t.Start, t.End);
        var recovered = recoveredAt.Where(static r => r != 0).Select(r => Stopwatch.GetElapsedTime(t.Unsealed, r).TotalSeconds).ToList();
        var seen = seenAt.Where(static s => s != 0).Select(s => Stopwatch.GetElapsedTime(t.Written, s).TotalSeconds).ToList();
        var everySeen = seen.Count == clients.Count;
        var coldLoad = options.Secrets + 2; // a login, one mount lookup, the reads
        var notes = string.Join("; ", new[]
        {
            $"{(options.AppRole ? "AppRole" : "Kubernetes")} auth, {options.Secrets} KV v2 reads per client, poll {S(options.PollInterval)}",
            $"restart at {S(Stopwatch.GetElapsedTime(t.Start, t.Restart))}: {S(options.Down)} refused, {S(options.Sealed)} sealed (503){(options.LoseTokens ? ", every token lost" : ", tokens kept")}",
            $"after the unseal: first client read again at {F(recovered.DefaultIfEmpty(double.NaN).Min())} s, all {recovered.Count}/{clients.Count} by {F(recovered.DefaultIfEmpty(double.NaN).Max())} s (median {F(VaultApiTap.Quantile(recovered, 0.5)?.TotalSeconds ?? double.NaN)} s)",
            $"peak after the restart {tap.PeakPerSecond(static s => s.Status != 0, t.Restart)}/s answered (busiest 100 ms: {tap.Peak(static s => s.Status != 0, t.Restart, TimeSpan.FromMilliseconds(100))}), logins {tap.PeakPerSecond(static s => s.Kind == "login", t.Restart)}/s peak ({all.Count(s => s.Kind == "login" && s.At >= t.Restart)} in all), {all.Count(s => s.Status == 0 && s.At >= t.Restart)} attempts refused or reset",
            $"peak in flight {tap.PeakInFlight("read")} reads, {tap.PeakInFlight("login")} logins",
            quota is null ? "no quota (Vault publishes no default)" : $"simulated rate-limit quota {quota.Rate}/s, {(options.QuotaHeaders ? "with" : "without")} Retry-After, {quota.Rejected} answered 429",
            $"{connections} TCP connections accepted by the proxy",
            everySeen ? "every client saw the KV write" : $"{clients.Count - seen.Count} clients did not see the KV write within {S(options.PollInterval * 3)}",
            clients.BuildFailures == 0 ? "no Build() failure" : "Build() failures: " + string.Join(" | ", clients.FirstFailures),
        });

        return new FleetResult(
            "HashiCorp Vault",
            "Vault restart",
            clients.Count,
            options.Secrets,
            options.StartWindow,
            clients.BuildFailures == 0 ? Stopwatch.GetElapsedTime(t.Start, t.Loaded) : null,
            quota is null ? null : TimeSpan.FromSeconds((double)clients.Count * coldLoad / quota.Rate),
            answered,
            all.Count(static s => s.Status == 429),
            clients.BuildFailures,
            quota?.Rate,
            rates.DefaultIfEmpty(0).Max(),
            steady,
            VaultApiTap.Quantile(seen, 0.5),
            VaultApiTap.Quantile(seen, 0.99),
            everySeen ? VaultApiTap.Quantile(seen, 1) : null,
            rates,
            notes);
    }

    private static string Kind(HttpRequestMessage request) => request.RequestUri?.AbsolutePath switch
    {
        { } p when p.StartsWith("/v1/auth/", StringComparison.Ordinal) && p.EndsWith("/login", StringComparison.Ordinal) => "login",
        { } p when p.StartsWith("/v1/secret/data/", StringComparison.Ordinal) => "read",
        { } p when p.StartsWith("/v1/sys/internal/ui/mounts/", StringComparison.Ordinal) => "mount",
        "/v1/auth/token/lookup-self" => "lookup",
        _ => "other",
    };

    private static string SecretPath(int s) => "fleet/s" + s.ToString(CultureInfo.InvariantCulture);

    private static string Key(int s) => "s" + s.ToString(CultureInfo.InvariantCulture);

    private static string S(TimeSpan t) => F(t.TotalSeconds) + " s";

    private static string F(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture);
}
