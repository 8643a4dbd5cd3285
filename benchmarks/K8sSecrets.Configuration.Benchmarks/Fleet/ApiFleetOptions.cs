using System.Globalization;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>The settings of <see cref="ApiFleet"/>: the fleet, its start, and the cut it goes through.</summary>
internal sealed record ApiFleetOptions
{
    /// <summary>Gets the number of clients, each its own provider, Kubernetes client and HttpClient.</summary>
    public int Clients { get; init; } = 1000;

    /// <summary>Gets the window the clients start over, evenly.</summary>
    public TimeSpan StartWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets how long the watches are left idle before the cut, for the steady rate.</summary>
    public TimeSpan Steady { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets how long the API server is gone (connections reset, then refused); zero for a cut without an outage.</summary>
    public TimeSpan Down { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets a value indicating whether the server forgets its history at the cut, so that a resumed watch gets 410 Gone.</summary>
    public bool Compact { get; init; } = true;

    /// <summary>Gets each client's <see cref="K8sSecrets.Configuration.Kubernetes.ApiSecretOptions.ReconnectSpread"/>, or null for the default (10 s).</summary>
    public TimeSpan? ReconnectSpread { get; init; }

    /// <summary>Reads <c>[clients] [--window s] [--steady s] [--down s] [--no-compact] [--spread s]</c>.</summary>
    public static ApiFleetOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ApiFleetOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => args[++i];
            options = args[i] switch
            {
                "--window" => options with { StartWindow = Seconds(Next()) },
                "--steady" => options with { Steady = Seconds(Next()) },
                "--down" => options with { Down = Seconds(Next()) },
                "--no-compact" => options with { Compact = false },
                "--spread" => options with { ReconnectSpread = Seconds(Next()) },
                var n when int.TryParse(n, out var clients) => options with { Clients = clients },
                var other => throw new ArgumentException($"fleet-api: unknown argument '{other}'."),
            };
        }

        return options;
    }

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
}
