namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>
/// What one fleet scenario measured against one store's quota-enforcing fake: the row of the fleet
/// table in benchmarks/README.md and the series of the request-rate chart. Every scenario (the cloud
/// stores, Vault, the Kubernetes API) returns one, so the report and the chart are written once.
/// Times are in the store's time (the fake's clock), in seconds from the first client's start.
/// </summary>
/// <param name="Store">The store, as the table names it ("Azure Key Vault", "AWS Secrets Manager", ...).</param>
/// <param name="Scenario">What was simulated ("rollout", "steady state", "Vault restart", "API reconnect").</param>
/// <param name="Clients">The number of clients, each its own provider with its own HTTP connections.</param>
/// <param name="SecretsPerClient">Secrets each client reads.</param>
/// <param name="StartWindow">The window over which the clients started.</param>
/// <param name="AllLoaded">Time until every client had loaded (null when not every client loaded).</param>
/// <param name="QuotaBoundMinimum">The shortest time the store's quota allows for the same work (null when the store publishes no quota).</param>
/// <param name="Requests">Requests the fake answered, throttled ones included.</param>
/// <param name="Throttled">Answers that were the store's throttling error (429, ThrottlingException, RESOURCE_EXHAUSTED).</param>
/// <param name="BuildFailures">Clients whose <c>Build()</c> threw.</param>
/// <param name="QuotaPerSecond">The store's published quota for the limiting operation, per second (null when none).</param>
/// <param name="PeakRate">The highest request rate in any one second, per second.</param>
/// <param name="SteadyRate">The mean request rate once every client had loaded and no write was pending, per second (null when not measured).</param>
/// <param name="PropagationP50">Time from a store write until half the clients saw it (null when no write was made).</param>
/// <param name="PropagationP99">Time from a store write until 99 % of the clients saw it.</param>
/// <param name="PropagationMax">Time from a store write until every client saw it.</param>
/// <param name="RatePerSecond">Requests answered in each second from the start (index = second): the chart's series.</param>
/// <param name="Notes">Anything the table should say about this row (the settings used, a caveat).</param>
internal sealed record FleetResult(
    string Store,
    string Scenario,
    int Clients,
    int SecretsPerClient,
    TimeSpan StartWindow,
    TimeSpan? AllLoaded,
    TimeSpan? QuotaBoundMinimum,
    long Requests,
    long Throttled,
    int BuildFailures,
    double? QuotaPerSecond,
    double PeakRate,
    double? SteadyRate,
    TimeSpan? PropagationP50,
    TimeSpan? PropagationP99,
    TimeSpan? PropagationMax,
    IReadOnlyList<double> RatePerSecond,
    string Notes);
