namespace K8sSecrets.Configuration;

/// <summary>
/// What a read of a source gave: a snapshot to publish, or word that nothing changed; and when the
/// source wants to be read next, if it polls.
/// </summary>
public sealed class SecretLoadResult
{
    private static readonly SecretLoadResult s_unchanged = new(null, null);

    private SecretLoadResult(SecretSnapshot? snapshot, TimeSpan? nextRead)
    {
        if (nextRead is { } wait && wait < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(nextRead), nextRead, "The time until the next read must not be negative.");
        }

        Snapshot = snapshot;
        NextRead = nextRead;
    }

    /// <summary>Gets the snapshot to compare with what is published, or <see langword="null"/> when nothing changed.</summary>
    public SecretSnapshot? Snapshot { get; }

    /// <summary>
    /// Gets the time until the source wants the next read, or <see langword="null"/> when it is read
    /// only when it asks (through <see cref="SecretSourceSignals"/>) or someone forces a read. The
    /// engine caps it at <see cref="SecretRetryPolicy.LongestWait"/>.
    /// </summary>
    public TimeSpan? NextRead { get; }

    /// <summary>Everything the source holds now; read again only when the source asks.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <returns>The result.</returns>
    public static SecretLoadResult Read(SecretSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot, null);
    }

    /// <summary>Everything the source holds now; read again after <paramref name="nextRead"/>.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="nextRead">The time until the next read.</param>
    /// <returns>The result.</returns>
    public static SecretLoadResult Read(SecretSnapshot snapshot, TimeSpan nextRead)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot, nextRead);
    }

    /// <summary>
    /// Nothing changed since the last snapshot, including the names that failed in it (see
    /// <see cref="SecretSnapshot.AddFailure"/>); read again only when the source asks.
    /// </summary>
    /// <returns>The result.</returns>
    public static SecretLoadResult Unchanged() => s_unchanged;

    /// <summary>Nothing changed since the last snapshot, including the names that failed in it; read again after <paramref name="nextRead"/>.</summary>
    /// <param name="nextRead">The time until the next read.</param>
    /// <returns>The result.</returns>
    public static SecretLoadResult Unchanged(TimeSpan nextRead) => new(null, nextRead);
}
