namespace K8sSecrets.Configuration;

/// <summary>
/// A secret (a key, a file, a path) whose last read failed while the rest of its source read fine:
/// it keeps its last good value, so it is stale. Reported through <see cref="SecretSourceHealth.FailingKeys"/>
/// from the failures a source records with <see cref="SecretSnapshot.AddFailure"/>. Names only, never values.
/// </summary>
public sealed class SecretKeyFailure
{
    internal SecretKeyFailure(string name, string? key, string reason, DateTimeOffset since, TimeSpan failingFor)
    {
        Name = name;
        Key = key;
        Reason = reason;
        Since = since;
        FailingFor = failingFor;
    }

    /// <summary>Gets the name the source reported, for example <c>db/password</c>, or a prefix of names such as a whole Vault path.</summary>
    public string Name { get; }

    /// <summary>Gets the configuration key (or section) <see cref="Name"/> is published under, or <see langword="null"/> when the source's <see cref="SecretSourceOptions.MapKey"/> leaves it out.</summary>
    public string? Key { get; }

    /// <summary>Gets why its last read failed, as the source put it (names paths and causes, never values).</summary>
    public string Reason { get; }

    /// <summary>Gets when, on the wall clock, the read that first failed finished; the key has failed in every read since.</summary>
    public DateTimeOffset Since { get; }

    /// <summary>Gets how long the key has been failing when the health view was taken, measured on the monotonic clock (a wall-clock step does not move it).</summary>
    public TimeSpan FailingFor { get; }

    /// <inheritdoc />
    public override string ToString() => $"'{Key ?? Name}' failing since {Since:u}: {Reason}";
}
