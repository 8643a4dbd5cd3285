namespace K8sSecrets.Configuration;

/// <summary>
/// A source's line to the refresh engine, handed to <see cref="SecretSource.StartWatching"/>: ask
/// for a read, and report how background work (a watch, a token renewal) is doing, so that health,
/// logs and metrics show an outage without the source having to fail a load. Every method is
/// cheap, never throws, and may be called from any thread.
/// </summary>
public sealed class SecretSourceSignals
{
    private readonly Action<TimeSpan> _requestRefresh;
    private readonly Action<SecretSourceException?> _report;

    internal SecretSourceSignals(Action<TimeSpan> requestRefresh, Action<SecretSourceException?> report)
    {
        _requestRefresh = requestRefresh;
        _report = report;
    }

    /// <summary>Asks for a read as soon as possible. Requests are coalesced.</summary>
    public void RequestRefresh() => _requestRefresh(TimeSpan.Zero);

    /// <summary>
    /// Asks for a read once no further request has come for <paramref name="quietPeriod"/>, so that
    /// a burst of changes (files being written) becomes one read of the final state.
    /// </summary>
    /// <param name="quietPeriod">How long it must stay quiet; the engine waits at most 20 such periods.</param>
    public void RequestRefresh(TimeSpan quietPeriod)
        => _requestRefresh(quietPeriod < TimeSpan.Zero ? TimeSpan.Zero : quietPeriod);

    /// <summary>
    /// Reports that background work is failing. The first report of a streak is logged as a
    /// Warning (an Error when <see cref="SecretSourceException.IsTransient"/> is false), later ones
    /// at Debug; each is counted and shown by health until <see cref="ReportRecovered"/>.
    /// </summary>
    /// <param name="failure">What failed; its message must hold no secret.</param>
    public void ReportFailure(SecretSourceException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        _report(failure);
    }

    /// <summary>Reports that background work works again; the end of a streak is logged once.</summary>
    public void ReportRecovered() => _report(null);
}
