namespace K8sSecrets.Configuration;

/// <summary>A point-in-time view of how one secret source is doing. Holds no secret material.</summary>
public sealed class SecretSourceHealth
{
    internal SecretSourceHealth(
        DateTimeOffset? lastSuccess,
        DateTimeOffset? lastFailure,
        string? lastError,
        int consecutiveFailures,
        TimeSpan? staleness,
        IReadOnlyList<SecretExpiry> expiries,
        IReadOnlyList<SecretKeyFailure> failingKeys,
        DateTimeOffset checkedAt)
    {
        Expiries = expiries;
        FailingKeys = failingKeys;
        CheckedAt = checkedAt;
        LastSuccess = lastSuccess;
        LastFailure = lastFailure;
        LastError = lastError;
        ConsecutiveFailures = consecutiveFailures;
        Staleness = staleness;
    }

    /// <summary>Gets when the source was last read successfully, or <see langword="null"/> if never.</summary>
    public DateTimeOffset? LastSuccess { get; }

    /// <summary>Gets when a read last failed, or <see langword="null"/> if never.</summary>
    public DateTimeOffset? LastFailure { get; }

    /// <summary>Gets the last failure's description (names paths and causes, never values).</summary>
    public string? LastError { get; }

    /// <summary>Gets how many reads in a row have failed (or, for a watching source, how many times its watch failed in a row); 0 once it works again.</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>Gets how long ago the published values were last confirmed (measured on the monotonic clock), or <see langword="null"/> if never.</summary>
    public TimeSpan? Staleness { get; }

    /// <summary>Gets when this view was taken, on the source's clock: compare <see cref="SecretExpiry.At"/> with it.</summary>
    public DateTimeOffset CheckedAt { get; }

    /// <summary>
    /// Gets what the published values hold that expires or is due to rotate, earliest first: what
    /// the source reported with its last snapshot, and when each published value of PEM certificates
    /// stops working, named by its configuration key: a chain (leaf first) with its leaf, a bundle of
    /// CA certificates with the last of them.
    /// </summary>
    public IReadOnlyList<SecretExpiry> Expiries { get; }

    /// <summary>Gets the earliest of <see cref="Expiries"/> of kind <see cref="SecretExpiryKind.Expires"/>, or <see langword="null"/> when nothing published expires.</summary>
    public SecretExpiry? EarliestExpiry
    {
        get
        {
            for (var i = 0; i < Expiries.Count; i++)
            {
                if (Expiries[i].Kind == SecretExpiryKind.Expires)
                {
                    return Expiries[i];
                }
            }

            return null;
        }
    }

    /// <summary>Gets the earliest of <see cref="Expiries"/> of kind <see cref="SecretExpiryKind.NextRotation"/>, or <see langword="null"/> when none is planned.</summary>
    public SecretExpiry? NextRotation
    {
        get
        {
            for (var i = 0; i < Expiries.Count; i++)
            {
                if (Expiries[i].Kind == SecretExpiryKind.NextRotation)
                {
                    return Expiries[i];
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Gets the secrets whose last read failed while the rest of the source read fine (a secret access
    /// denied, a version disabled, a checksum mismatch), longest failing first. Each keeps its last
    /// good value, so it is stale although <see cref="ConsecutiveFailures"/> is 0. A secret leaves the
    /// list with the first read in which it does not fail.
    /// </summary>
    public IReadOnlyList<SecretKeyFailure> FailingKeys { get; }

    /// <summary>Gets a value indicating whether the source has loaded, its last read succeeded and no key's last read failed.</summary>
    public bool IsHealthy => LastSuccess is not null && ConsecutiveFailures == 0 && FailingKeys.Count == 0;
}
