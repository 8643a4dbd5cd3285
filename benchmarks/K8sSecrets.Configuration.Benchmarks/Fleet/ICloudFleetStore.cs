namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>One cloud store's fake with its quota enforced, as the fleet run drives it.</summary>
internal interface ICloudFleetStore : IAsyncDisposable
{
    /// <summary>Gets the store's name as the fleet table shows it.</summary>
    string Store { get; }

    /// <summary>Gets the configuration key every client watches for the rotation.</summary>
    string WatchedKey { get; }

    /// <summary>Gets the quota-counted operations (name, quota window), the limiting one first.</summary>
    IReadOnlyList<(string Operation, Testing.QuotaWindow Quota)> Quotas { get; }

    /// <summary>Gets the requests the fake answered so far (throttled ones included).</summary>
    long Requests { get; }

    /// <summary>Adds client <paramref name="client"/>'s source (its own client and connections) to the builder.</summary>
    void Configure(KubernetesSecretsBuilder secrets, int client);

    /// <summary>Writes a new value of the watched secret.</summary>
    void Write(string value);

    /// <summary>
    /// The calls one client's cold load makes when nothing is throttled, per quota-counted operation
    /// (same order as <see cref="Quotas"/>).
    /// </summary>
    IReadOnlyList<int> ColdLoadCalls { get; }

    /// <summary>Gets how the store's clients are set up, for the table's notes.</summary>
    string Settings { get; }
}
