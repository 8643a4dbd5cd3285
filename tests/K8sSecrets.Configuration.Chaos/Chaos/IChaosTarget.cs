namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// One source under chaos: its fake store, how to write a version to it, the faults it can play and
/// how to stop them. A new target is made for every seed. See README.md for how to add one.
/// </summary>
internal interface IChaosTarget : IAsyncDisposable
{
    /// <summary>Gets the source's name as a failing seed prints it (<c>seed=7 source=vault</c>).</summary>
    string Name { get; }

    /// <summary>Gets the number of groups (the store's units of atomic change, see <see cref="ChaosStore"/>).</summary>
    int Groups { get; }

    /// <summary>Gets the number of keys a group can hold (each write picks a subset).</summary>
    int KeysPerGroup { get; }

    /// <summary>Gets a value indicating whether a write may delete a group (a Secret deleted, a file removed).</summary>
    bool CanDeleteGroup { get; }

    /// <summary>Gets a value indicating whether one write changes several groups at once (a plain folder rewritten file by file).</summary>
    bool WritesManyGroups { get; }

    /// <summary>
    /// Gets the longest fake time from the end of the faults until the published state must equal the
    /// store's (invariant c); each target states how it adds up (the targets polling over HTTP share
    /// <see cref="CommonFaults.PolledConvergenceBound"/>).
    /// </summary>
    TimeSpan ConvergenceBound { get; }

    /// <summary>Gets a count that moves with the fake store's activity (its requests), part of the quiescence fingerprint.</summary>
    long Activity { get; }

    /// <summary>Gets the credentials in play so far (tokens, JWTs): none may reach a log line.</summary>
    IEnumerable<string> Credentials { get; }

    /// <summary>Starts the fake store on the world's clock. Nothing is written yet.</summary>
    Task StartAsync(ChaosWorld world);

    /// <summary>Adds the source under test to the builder (the clock, logs and retry settings are set already).</summary>
    void AddSource(KubernetesSecretsBuilder secrets);

    /// <summary>Writes a version to the fake store (it is recorded in the world's store already).</summary>
    Task WriteAsync(WriteStep write);

    /// <summary>Picks the next fault from the seed's random source; only <paramref name="random"/> may be used.</summary>
    FaultStep NextFault(Random random);

    /// <summary>Plays a fault.</summary>
    Task ApplyAsync(FaultStep fault);

    /// <summary>Stops every fault: from now on the store answers as it should (requests parked already end at their time).</summary>
    Task HealAsync();
}
