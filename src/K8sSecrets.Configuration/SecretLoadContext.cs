namespace K8sSecrets.Configuration;

/// <summary>What the engine tells a source when it asks for a read.</summary>
public sealed class SecretLoadContext
{
    internal SecretLoadContext(SecretLoadReason reason, int consecutiveFailures)
    {
        Reason = reason;
        ConsecutiveFailures = consecutiveFailures;
    }

    /// <summary>Gets why the engine reads.</summary>
    public SecretLoadReason Reason { get; }

    /// <summary>Gets how many reads in a row have failed before this one.</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>
    /// Gets a value indicating whether the source must read everything and return a snapshot, even
    /// if it believes nothing changed: the first load, a forced read, and every read after a failure
    /// (the last snapshot it returned may never have been published).
    /// </summary>
    public bool ReadAll => Reason is SecretLoadReason.Initial or SecretLoadReason.Forced || ConsecutiveFailures > 0;
}
