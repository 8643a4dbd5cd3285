using System.Diagnostics;

namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    private const int MaxDebounceRounds = 20;

    private void StartWatching()
    {
        try
        {
            Source.StartWatching(_signal.Set);
        }
        catch (Exception ex)
        {
            Log.WatchFailed(_logger, Source.Kind, Source.Name, Describe(ex));
        }
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await _signal.WaitAsync(NextDelay(), _time, stopping).ConfigureAwait(false))
                {
                    await DebounceAsync(stopping).ConfigureAwait(false);
                }

                await RefreshCoreAsync(force: false, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The loop must outlive anything; a failed refresh is already handled inside.
                Log.LoopFault(_logger, Source.Kind, Source.Name, Describe(ex));
            }
        }
    }

    private TimeSpan? NextDelay()
    {
        var next = Source.PollInterval;
        var (failures, retryAfter) = GetHealthCounters();

        if (failures > 0)
        {
            var retry = RetryBackoff.Delay(failures, _settings.MinRetryDelay, _settings.MaxRetryDelay, Random.Shared.NextDouble());
            next = next is { } poll && poll < retry ? poll : retry;
            if (retryAfter > next)
            {
                next = retryAfter;
            }
        }

        return next;
    }

    private (int Failures, TimeSpan? RetryAfter) GetHealthCounters()
    {
        lock (_healthLock)
        {
            return (_consecutiveFailures, _retryAfter);
        }
    }

    private async Task DebounceAsync(CancellationToken stopping)
    {
        for (var round = 0; round < MaxDebounceRounds; round++)
        {
            var quiet = Source.Debounce;
            if (quiet <= TimeSpan.Zero || !await _signal.WaitAsync(quiet, _time, stopping).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<RefreshOutcome> RefreshCoreAsync(bool force, CancellationToken cancellationToken)
    {
        SecretsChangedEventArgs? change;
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = _time.GetTimestamp();
            SecretSnapshot? snapshot;
            try
            {
                // After a failure the source's "unchanged since the last snapshot" may point at one that was never published.
                snapshot = await Source.LoadAsync(force || GetHealthCounters().Failures > 0, cancellationToken).ConfigureAwait(false);
                change = snapshot is null ? null : Publish(snapshot);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                RecordFailure(ex, _time.GetElapsedTime(started));
                return new RefreshOutcome(ex);
            }

            RecordSuccess(snapshot, change is not null, _time.GetElapsedTime(started));
        }
        finally
        {
            _refreshLock.Release();
        }

        if (change is not null)
        {
            Notify(change);
        }

        return default;
    }

    /// <summary>
    /// Maps and compares the snapshot, and swaps <see cref="Microsoft.Extensions.Configuration.ConfigurationProvider.Data"/>
    /// when it differs and the source's <see cref="SecretSourceOptions.Validate"/> gate accepts it.
    /// </summary>
    private SecretsChangedEventArgs? Publish(SecretSnapshot snapshot)
    {
        foreach (var (name, reason) in snapshot.Failures)
        {
            Log.KeyFailed(_logger, Source.Kind, Source.Name, name, reason);
        }

        foreach (var name in snapshot.Base64Names)
        {
            Log.KeyNotUtf8(_logger, Source.Kind, Source.Name, name);
        }

        var published = Data;
        var candidate = SnapshotMapper.ToData(snapshot, Source.Options.Section, published, out var collisions);
        if (collisions is not null)
        {
            Log.KeyCollision(_logger, Source.Kind, Source.Name, string.Join(", ", collisions));
        }

        if (SnapshotMapper.SameData(candidate, published))
        {
            return null;
        }

        if (Source.Options.Validate?.Invoke(candidate) is { } refusal)
        {
            throw new SecretSourceException($"The new values of {Source} were refused by its Validate check and are not published: {refusal}");
        }

        var change = SnapshotMapper.Diff(published, candidate, snapshot.Version);
        Data = candidate;
        return change;
    }

    private void Notify(SecretsChangedEventArgs change)
    {
        Log.Published(_logger, Source.Kind, Source.Name, change.Version, change.Added.Count, change.Changed.Count, change.Removed.Count);
        SecretsTelemetry.Changes.Add(1, SecretsTelemetry.Tags(Source));
        t_inCallback = true;
        try
        {
            try
            {
                OnReload();
            }
            catch (Exception ex)
            {
                Log.CallbackFailed(_logger, Source.Kind, Source.Name, ex.GetType().FullName);
            }

            try
            {
                Changed?.Invoke(this, change);
            }
            catch (Exception ex)
            {
                Log.CallbackFailed(_logger, Source.Kind, Source.Name, ex.GetType().FullName);
            }
        }
        finally
        {
            t_inCallback = false;
        }
    }

    private void RecordSuccess(SecretSnapshot? snapshot, bool changed, TimeSpan elapsed)
    {
        int previousFailures;
        var firstFailure = snapshot?.Failures is [var first, ..] ? first : default;
        lock (_healthLock)
        {
            previousFailures = _consecutiveFailures;
            _consecutiveFailures = 0;
            _lastSuccess = _time.GetUtcNow();
            if (firstFailure.Key is not null)
            {
                _lastFailure = _lastSuccess;
                _lastError = $"'{firstFailure.Key}': {firstFailure.Value}";
            }
        }

        if (previousFailures > 0)
        {
            Log.Recovered(_logger, Source.Kind, Source.Name, previousFailures);
        }

        SecretsTelemetry.Refreshes.Add(1, SecretsTelemetry.Tags(Source, changed ? "changed" : "unchanged"));
        SecretsTelemetry.Duration.Record(elapsed.TotalSeconds, SecretsTelemetry.Tags(Source));
    }

    private void RecordFailure(Exception exception, TimeSpan elapsed)
    {
        var description = Describe(exception);
        int failures;
        lock (_healthLock)
        {
            failures = ++_consecutiveFailures;
            _retryAfter = (exception as SecretSourceException)?.RetryAfter;
            _lastFailure = _time.GetUtcNow();
            _lastError = description;
        }

        if (failures == 1)
        {
            Log.RefreshFailed(_logger, Source.Kind, Source.Name, description);
        }
        else
        {
            Log.RefreshStillFailing(_logger, Source.Kind, Source.Name, failures, description);
        }

        TagList tags = SecretsTelemetry.Tags(Source, "failed");
        SecretsTelemetry.Refreshes.Add(1, tags);
        SecretsTelemetry.Failures.Add(1, SecretsTelemetry.Tags(Source));
        SecretsTelemetry.Duration.Record(elapsed.TotalSeconds, SecretsTelemetry.Tags(Source));
    }

    /// <summary>
    /// What may be logged of an exception: the message of our own <see cref="SecretSourceException"/>
    /// (written to hold no secret), and only the type of anything else, whose text may hold a body.
    /// </summary>
    private static string Describe(Exception exception) => exception is SecretSourceException
        ? exception.Message
        : $"{exception.GetType().FullName} (message withheld: it may contain secret material)";

    private readonly record struct RefreshOutcome(Exception? Failure);
}
