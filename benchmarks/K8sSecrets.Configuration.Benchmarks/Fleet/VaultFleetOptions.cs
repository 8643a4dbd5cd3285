namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>The settings of <see cref="VaultFleet"/>: the fleet, its start, and the restart it goes through.</summary>
internal sealed record VaultFleetOptions
{
    /// <summary>Gets the number of clients, each its own provider and HttpClient.</summary>
    public int Clients { get; init; } = 1000;

    /// <summary>Gets the KV v2 secrets each client reads.</summary>
    public int Secrets { get; init; } = 3;

    /// <summary>Gets the window the clients start over, evenly.</summary>
    public TimeSpan StartWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets each client's poll interval (the library's default is 1 minute; shorter keeps the run short).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets how long Vault is gone (connections reset, then refused); with <see cref="Sealed"/>, one poll interval, so that every client meets the outage.</summary>
    public TimeSpan Down { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets how long Vault answers 503 sealed once it listens again.</summary>
    public TimeSpan Sealed { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets a value indicating whether the restart loses every token (a dev-mode or restored Vault), so every client logs in again.</summary>
    public bool LoseTokens { get; init; } = true;

    /// <summary>Gets a value indicating whether the clients use AppRole instead of Kubernetes auth.</summary>
    public bool AppRole { get; init; }

    /// <summary>Gets a simulated rate-limit quota in requests per second (every path), or null for none: Vault publishes no default.</summary>
    public int? QuotaPerSecond { get; init; }

    /// <summary>Gets a value indicating whether the quota's 429s carry Retry-After (Vault's enable_rate_limit_response_headers, off by default).</summary>
    public bool QuotaHeaders { get; init; }

    /// <summary>Reads <c>[clients] [--secrets n] [--window s] [--poll s] [--down s] [--sealed s] [--keep-tokens] [--approle] [--quota r] [--quota-headers]</c>.</summary>
    public static VaultFleetOptions Parse(IReadOnlyList<string> args)
    {
        var options = new VaultFleetOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => args[++i];
            options = args[i] switch
            {
                "--secrets" => options with { Secrets = Int(Next()) },
                "--window" => options with { StartWindow = Seconds(Next()) },
                "--poll" => options with { PollInterval = Seconds(Next()) },
                "--down" => options with { Down = Seconds(Next()) },
                "--sealed" => options with { Sealed = Seconds(Next()) },
                "--keep-tokens" => options with { LoseTokens = false },
                "--approle" => options with { AppRole = true },
                "--quota" => options with { QuotaPerSecond = Int(Next()) },
                "--quota-headers" => options with { QuotaHeaders = true },
                var n when int.TryParse(n, out var clients) => options with { Clients = clients },
                var other => throw new ArgumentException($"fleet-vault: unknown argument '{other}'."),
            };
        }

        return options;
    }

    private static int Int(string value) => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
}
