using System.Globalization;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>
/// <c>fleet [azure|aws|google|all] [--clients 1000] [--secrets 50] [--window 30s] [--poll 5m]
/// [--startup-timeout 10m] [--speed 1] [--steady-speed 20] [--seed 1] [--out benchmarks/fleet]</c>:
/// the cloud stores' fleet runs (<see cref="CloudFleetRun"/>), their table rows and charts.
/// </summary>
internal static class CloudFleetCommand
{
    public static bool Handles(string store) => store is "azure" or "aws" or "google" or "all";

    public static async Task<int> RunAsync(string[] args)
    {
        var store = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : "all";
        string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var clients = int.Parse(Option("--clients") ?? "1000", CultureInfo.InvariantCulture);
        var secrets = int.Parse(Option("--secrets") ?? "50", CultureInfo.InvariantCulture);
        var window = Duration(Option("--window") ?? "30s");
        var poll = Duration(Option("--poll") ?? "5m");
        var seed = int.Parse(Option("--seed") ?? "1", CultureInfo.InvariantCulture);
        var folder = Option("--out") ?? Path.Combine("benchmarks", "fleet");
        ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 16), 64);

        var runs = new List<(string Name, Func<FleetClock, Task<ICloudFleetStore>> Start, double Speed, double Steady, TimeSpan Startup)>();
        if (store is "azure" or "all")
        {
            runs.Add(("azure", c => AzureFleetStore.StartAsync(c, secrets, poll), 1, 20, TimeSpan.FromMinutes(5)));
        }

        if (store is "aws" or "all")
        {
            runs.Add(("aws", c => AwsFleetStore.StartAsync(c, secrets, poll), 1, 20, TimeSpan.FromSeconds(30)));
        }

        if (store is "google" or "all")
        {
            runs.Add(("google", c => GoogleFleetStore.StartAsync(c, secrets, poll), 0.25, 3, TimeSpan.FromSeconds(30)));
        }

        var ok = true;
        var rows = new List<string>();
        foreach (var (name, start, speed, steady, startup) in runs)
        {
            var settings = new CloudFleetSettings(
                clients,
                secrets,
                window,
                poll,
                Option("--startup-timeout") is { } t ? Duration(t) : startup,
                Option("--speed") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : speed,
                Option("--steady-speed") is { } ss ? double.Parse(ss, CultureInfo.InvariantCulture) : steady,
                seed);
            Console.WriteLine($"fleet {name}: {clients} clients x {secrets} secrets, started over {window.TotalSeconds:0} s, poll {poll.TotalMinutes:0.##} min");
            var (result, series) = await CloudFleetRun.RunAsync(start, settings, Console.Out);
            var charts = FleetChart.Save(result, series, folder);
            var row = Row(result);
            rows.Add(row);
            Console.WriteLine(row);
            Console.WriteLine("  notes: " + result.Notes);
            Console.WriteLine("  charts: " + string.Join(", ", charts));
            ok &= result.BuildFailures == 0 && result.AllLoaded is not null
                && result.SteadyRate <= result.QuotaPerSecond / 2
                && result.AllLoaded <= result.QuotaBoundMinimum * 1.2;
        }

        Console.WriteLine();
        Console.WriteLine(Header);
        rows.ForEach(Console.WriteLine);
        return ok ? 0 : 1;
    }

    public const string Header =
        "| store | clients x secrets | window | all loaded | quota-bound minimum | ratio | Build() failures | requests | throttled | quota/s | peak/s | steady/s | steady / quota | propagation p50 / p99 / max |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    public static string Row(FleetResult r) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {r.Store} | {r.Clients} x {r.SecretsPerClient} | {r.StartWindow.TotalSeconds:0} s | {S(r.AllLoaded)} | {S(r.QuotaBoundMinimum)} | "
        + $"{(r.AllLoaded is { } a && r.QuotaBoundMinimum is { } m ? (a / m).ToString("0.00", CultureInfo.InvariantCulture) : "-")} | {r.BuildFailures} | {r.Requests} | {r.Throttled} | "
        + $"{r.QuotaPerSecond:0.##} | {r.PeakRate:0} | {r.SteadyRate:0.0} | {r.SteadyRate / r.QuotaPerSecond:0.000} | {S(r.PropagationP50)} / {S(r.PropagationP99)} / {S(r.PropagationMax)} |");

    private static string S(TimeSpan? t) => t is { } v ? v.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-";

    private static TimeSpan Duration(string text)
    {
        var unit = text[^1];
        var value = double.Parse(char.IsDigit(unit) ? text : text[..^1], CultureInfo.InvariantCulture);
        return unit switch
        {
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => TimeSpan.FromSeconds(value),
        };
    }
}
