using System.Diagnostics;
using System.Globalization;
using k8s;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

using K8sSecrets.Configuration.Kubernetes;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>
/// Measures the Kubernetes API source (<c>FromApi</c>) against the tests' fake API server on
/// loopback: MODIFIED event to <c>IOptionsMonitor.OnChange</c>, the requests of an idle watch, and
/// how clients cut off at once spread their reconnects.
/// </summary>
internal static class ApiProbe
{
    private const string Ns = "bench";
    private const string Name = "db";
    private const int WarmUpEvents = 5;
    private static readonly TimeSpan s_idleWatchTimeout = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan s_idleWindow = TimeSpan.FromSeconds(22);
    private static readonly TimeSpan s_reconnectWindow = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(int events)
    {
        await MeasureEventLatencyAsync(events);
        await MeasureIdleWatchAsync();
        await MeasureCutOffAsync(informers: 1000);
        return 0;
    }

    /// <summary>Time from putting a changed Secret on the fake (its MODIFIED line is queued to the open watch) to OnChange.</summary>
    private static async Task MeasureEventLatencyAsync(int events)
    {
        await using var server = await FakeKubeApi.StartAsync();
        server.Put(Ns, Name, ("Db__Password", "v0"), ("Db__User", "admin"));
        using var client = NewClient(server);
        using var host = await StartHostAsync(client, api => { });
        await WaitForAsync(() => server.ActiveWatches == 1, "the watch to open");

        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DbOptions>>();
        var fired = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var changes = 0;
        using var subscription = monitor.OnChange(_ =>
        {
            Interlocked.Increment(ref changes);
            fired.TrySetResult(Stopwatch.GetTimestamp());
        });

        var requestsBefore = server.Requests.Count;
        var samples = new List<double>();
        for (var i = 1; i <= WarmUpEvents + events; i++)
        {
            fired = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var written = Stopwatch.GetTimestamp();
            server.Put(Ns, Name, ("Db__Password", "v" + i.ToString(CultureInfo.InvariantCulture)), ("Db__User", "admin"));
            var elapsed = Stopwatch.GetElapsedTime(written, await fired.Task.WaitAsync(TimeSpan.FromSeconds(10))).TotalMilliseconds;
            if (i > WarmUpEvents)
            {
                samples.Add(elapsed);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        var requests = server.Requests.Skip(requestsBefore).ToList();
        Console.WriteLine(
            $"MODIFIED -> IOptionsMonitor.OnChange: {events} events (after {WarmUpEvents} warm-up), {changes} OnChange calls; {Stats.Milliseconds(samples)}; " +
            $"requests during the run: {requests.Count(r => !r.IsWatch)} list, {requests.Count(r => r.IsWatch)} watch; " +
            $"last value seen {monitor.CurrentValue.Password}");
        await host.StopAsync();
    }

    /// <summary>Requests made by one watch left idle, with a short server timeout that the fake enforces.</summary>
    private static async Task MeasureIdleWatchAsync()
    {
        await using var server = await FakeKubeApi.StartAsync();
        server.Put(Ns, Name, ("Db__Password", "v0"));
        await using var clock = new RequestClock(server);
        using var client = NewClient(server);
        using var stop = new CancellationTokenSource();
        var timeouts = EndWatchesOnTimeAsync(server, clock, stop.Token);
        using var host = await StartHostAsync(client, api => api.WatchTimeout = s_idleWatchTimeout);

        // The window starts once the clock has stamped the first watch: what came before is startup.
        await WaitForAsync(() => clock.Seen().Any(s => s.Request.IsWatch), "the watch to open");
        var startup = clock.Seen().Count;
        await Task.Delay(s_idleWindow, TimeProvider.System);
        await stop.CancelAsync();
        await timeouts;

        var window = clock.Seen().Skip(startup).ToList();
        var watches = clock.Seen().Where(s => s.Request.IsWatch).ToList();
        var gaps = watches.Skip(1).Select((w, i) => Stopwatch.GetElapsedTime(watches[i].Seen, w.Seen).TotalSeconds).ToList();
        Console.WriteLine(
            $"idle watch, WatchTimeout {s_idleWatchTimeout.TotalSeconds:F0} s, {s_idleWindow.TotalSeconds:F0} s window after the first watch: " +
            $"{window.Count(s => !s.Request.IsWatch)} list, {window.Count(s => s.Request.IsWatch)} watch requests " +
            $"(timeoutSeconds asked: {string.Join(",", window.Select(w => w.Request.Query.GetValueOrDefault("timeoutSeconds")))}); " +
            $"from one watch request to the next: {(gaps.Count > 0 ? Stats.Seconds(gaps) : "n/a")}");
        await host.StopAsync();
    }

    /// <summary>
    /// Ends each watch at the timeoutSeconds it asked for, as the API server does; the fake itself
    /// keeps a watch open until told. One informer has one watch open at a time.
    /// </summary>
    private static async Task EndWatchesOnTimeAsync(FakeKubeApi server, RequestClock clock, CancellationToken stop)
    {
        var handled = 0;
        try
        {
            while (true)
            {
                var watches = clock.Seen().Where(s => s.Request.IsWatch).ToList();
                if (watches.Count == handled)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, stop);
                    continue;
                }

                handled = watches.Count;
                var latest = watches[^1];
                var timeout = TimeSpan.FromSeconds(int.Parse(latest.Request.Query["timeoutSeconds"], CultureInfo.InvariantCulture));
                var due = timeout - Stopwatch.GetElapsedTime(latest.Seen);
                await Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, TimeProvider.System, stop);
                server.EndWatches();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The window is over.
        }
    }

    /// <summary>
    /// Real informers (one source with that many named Secrets, default settings) watching the
    /// fake, all cut off at once: when each one's watch comes back.
    /// </summary>
    private static async Task MeasureCutOffAsync(int informers)
    {
        await using var server = await FakeKubeApi.StartAsync();
        var names = Enumerable.Range(0, informers).Select(i => "s" + i.ToString("D4", CultureInfo.InvariantCulture)).ToList();
        foreach (var name in names)
        {
            server.Put(Ns, name, ("Key_" + name, "v0"));
        }

        using var client = NewClient(server);
        var config = new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromApi(api =>
        {
            api.Client = client;
            api.Namespace = Ns;
            foreach (var name in names)
            {
                api.SecretNames.Add(name);
            }
        })).Build();
        await WaitForAsync(() => server.ActiveWatches == informers, $"{informers} watches to open");
        await Task.Delay(TimeSpan.FromSeconds(3), TimeProvider.System); // established, as a real cut-off finds them

        await using var clock = new RequestClock(server);
        var cut = Stopwatch.GetTimestamp();
        server.DropWatches();
        await Task.Delay(s_reconnectWindow, TimeProvider.System);

        var seen = clock.Seen();
        var watches = seen.Where(s => s.Request.IsWatch).ToList();
        var firsts = watches.GroupBy(s => s.SecretName).Select(g => Stopwatch.GetElapsedTime(cut, g.Min(s => s.Seen)).TotalSeconds).ToList();
        var gaps = watches.GroupBy(s => s.SecretName).Where(g => g.Count() > 1)
            .Select(g => g.Zip(g.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a.Seen, b.Seen).TotalSeconds).Min()).ToList();
        Console.WriteLine(
            $"{informers} real informers cut off at once (DropWatches), default ReconnectSpread: {firsts.Count} came back within {s_reconnectWindow.TotalSeconds:F0} s, " +
            $"{server.ActiveWatches} watches open at the end; first re-watch {(firsts.Count > 0 ? Stats.Seconds(firsts) : "n/a")}; " +
            $"busiest second {(firsts.Count > 0 ? Stats.BusiestSecond(firsts) : "n/a")}; {watches.Count} watch and {seen.Count(s => !s.Request.IsWatch)} list requests; " +
            $"informers with more than one watch request: {gaps.Count}{(gaps.Count > 0 ? $", smallest gap {gaps.Min():F2} s" : string.Empty)}");
        ((IDisposable)config).Dispose();
    }

    private static k8s.Kubernetes NewClient(FakeKubeApi server)
        => new(new KubernetesClientConfiguration { Host = server.Uri.ToString() });

    /// <summary>A generic Host whose configuration reads the one Secret through <c>FromApi</c>, bound to <see cref="DbOptions"/>.</summary>
    private static async Task<IHost> StartHostAsync(k8s.Kubernetes client, Action<ApiSecretOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(s => s.FromApi(api =>
        {
            api.Client = client;
            api.Namespace = Ns;
            api.SecretNames.Add(Name);
            configure(api);
        }));
        builder.Services.Configure<DbOptions>(builder.Configuration.GetSection("Db"));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("Gave up waiting for " + what + ".");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }
    }

    private sealed class DbOptions
    {
        public string? Password { get; set; }

        public string? User { get; set; }
    }
}
