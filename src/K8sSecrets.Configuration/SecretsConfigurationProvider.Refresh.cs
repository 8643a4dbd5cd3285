using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    private const int MaxDebounceRounds = 20;

    private void StartWatching()
    {
        try
        {
            Source.StartWatching(new SecretSourceSignals(RequestRefresh, OnBackgroundReport));
        }
        catch (Exception ex)
        {
            Log.WatchFailed(_logger, Source.Kind, Source.Name, Describe(ex));
        }
    }

    private void RequestRefresh(TimeSpan quiet)
    {
        _signal.Set(quiet);
        StartLoop();
    }

    /// <summary>
    /// Starts the loop once something is planned (a read, a retry, the end of an expiry or of a
    /// previous value's window). A source that asks for nothing (a volume with
    /// <c>reloadOnChange: false</c> that loaded cleanly) never starts one: no task, no timer.
    /// </summary>
    private void StartLoopIfDue()
    {
        if (_loaded && Volatile.Read(ref _loop) is null && NextDelay() is not null)
        {
            StartLoop();
        }
    }

    /// <summary>Starts the loop unless it runs already or the provider is disposed.</summary>
    private void StartLoop()
    {
        if (Volatile.Read(ref _loop) is not null)
        {
            return;
        }

        lock (_loopLock)
        {
            if (_loop is null && !_stopping.IsCancellationRequested)
            {
                Volatile.Write(ref _loop, Task.Run(RunAsync));
            }
        }
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var wake = await _signal.WaitAsync(NextDelay(), _time, stopping).ConfigureAwait(false);
                await PruneExpiredAsync(stopping).ConfigureAwait(false);
                CheckExpiry();
                if (wake == Wake.Rescheduled || (wake == Wake.Timeout && !ReadIsDue()))
                {
                    continue;
                }

                var notified = wake == Wake.Requested;
                if (notified)
                {
                    await DebounceAsync(stopping).ConfigureAwait(false);
                }

                var reason = notified ? SecretLoadReason.Notified
                    : GetLoadFailures().Failures > 0 ? SecretLoadReason.Retry
                    : SecretLoadReason.Scheduled;
                await RefreshCoreAsync(reason, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The loop must outlive anything, and must not spin: the fault counts as a failure, so the next wait backs off.
                Log.LoopFault(_logger, Source.Kind, Source.Name, Describe(ex));
                RecordFailure(ex, elapsed: null, log: false);
            }
        }
    }

    /// <summary>
    /// The wait until the next scheduled read or the end of a previous value's window, whichever
    /// comes first; <see langword="null"/> when neither is planned. Deadlines are on the monotonic clock.
    /// </summary>
    private TimeSpan? NextDelay()
    {
        TimeSpan? read;
        lock (_healthLock)
        {
            read = _readDue.Remaining(_time);
        }

        var previous = _previous?.NextExpiry(_time);
        var next = previous is { } p && (read is null || p < read) ? p : read;
        return ExpiryDelay() is { } e && (next is null || e < next) ? e : next;
    }

    /// <summary>Whether the scheduled read is due (the loop may also wake for a previous value's end).</summary>
    private bool ReadIsDue()
    {
        lock (_healthLock)
        {
            return _readDue.Remaining(_time) is { } left && left <= TimeSpan.Zero;
        }
    }

    /// <summary>
    /// The source's own poll (jittered), known before any read succeeded, so that a source refused at
    /// start is retried at it too; <see langword="null"/> when it does not poll.
    /// </summary>
    private TimeSpan? SourcePoll()
    {
        try
        {
            return Source.PollInterval is { } poll ? SecretRetryPolicy.JitterPoll(poll) : null;
        }
        catch (Exception ex)
        {
            // A source's own property must not stop the loop: without its poll, the backoff applies.
            Log.LoopFault(_logger, Source.Kind, Source.Name, Describe(ex));
            return null;
        }
    }

    private (int Failures, Exception? Last) GetLoadFailures()
    {
        lock (_healthLock)
        {
            return (_consecutiveFailures, _lastException);
        }
    }

    private async Task DebounceAsync(CancellationToken stopping)
    {
        var quiet = _signal.TakeQuiet();
        for (var round = 0; round < MaxDebounceRounds && quiet > TimeSpan.Zero; round++)
        {
            if (await _signal.WaitAsync(quiet, _time, stopping).ConfigureAwait(false) == Wake.Timeout)
            {
                return;
            }

            quiet = _signal.TakeQuiet();
        }
    }

    /// <summary>Reads the source once and publishes what changed; returns the failure, if any.</summary>
    private async Task<Exception?> RefreshCoreAsync(SecretLoadReason reason, CancellationToken cancellationToken)
    {
        SecretsChangedEventArgs? change;
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = _time.GetTimestamp();
            var context = new SecretLoadContext(reason, GetLoadFailures().Failures);
            var activity = StartRefreshActivity(context);
            SecretLoadResult result;
            try
            {
                result = await Source.LoadAsync(context, cancellationToken).ConfigureAwait(false)
                    ?? throw new SecretSourceException($"{Source} returned no load result; a source returns SecretLoadResult.Read or SecretLoadResult.Unchanged.");
                change = result.Snapshot is { } snapshot ? Publish(snapshot) : null;
                if (result.Snapshot is { } read)
                {
                    KeepExpiries(read, change is not null);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                EndRefreshActivity(activity, "cancelled", null, null);
                throw;
            }
            catch (Exception ex)
            {
                RecordFailure(ex, _time.GetElapsedTime(started), log: true);
                EndRefreshActivity(activity, "failed", null, activity is null ? null : Describe(ex));
                return ex;
            }

            RecordSuccess(result, change is not null, _time.GetElapsedTime(started));
            EndRefreshActivity(activity, change is not null ? "changed" : "unchanged", result.Snapshot?.Version, null);
        }
        finally
        {
            _refreshLock.Release();

            // A forced read (RefreshAsync, Reload()) happens outside the loop: it may have moved the next
            // read, planned a retry or started a previous value's window, so the loop computes its wait again.
            if (reason == SecretLoadReason.Forced)
            {
                _signal.Reschedule();
                StartLoopIfDue();
            }
        }

        if (change is not null)
        {
            Notify(change);
        }

        CheckExpiry();
        return null;
    }

    /// <summary>
    /// Maps and compares the snapshot, and swaps <see cref="Microsoft.Extensions.Configuration.ConfigurationProvider.Data"/>
    /// when it differs and the source's <see cref="SecretSourceOptions.Validate"/> gate accepts it.
    /// </summary>
    private SecretsChangedEventArgs? Publish(SecretSnapshot snapshot)
    {
        var alreadyFailing = Volatile.Read(ref _failingKeys);
        foreach (var (name, reason) in snapshot.Failures)
        {
            var level = alreadyFailing.ContainsKey(name) ? LogLevel.Debug : LogLevel.Warning;
            Log.KeyFailed(_logger, level, Source.Kind, Source.Name, name, reason);
        }

        foreach (var name in snapshot.Base64Names)
        {
            Log.KeyNotUtf8(_logger, Source.Kind, Source.Name, name);
        }

        var published = _current;
        var candidate = SnapshotMapper.ToData(snapshot, Source.Options, published, out var collisions);
        // Refused from every source, whatever its options: only the engine publishes under the root.
        // Logged when the refused keys change, not at every read that still holds them.
        var reserved = PreviousValues.RemoveReserved(candidate) is { } keys ? string.Join(", ", keys.Select(static key => $"'{key}'")) : null;
        if (reserved is not null && !string.Equals(reserved, _refusedReserved, StringComparison.Ordinal))
        {
            Log.ReservedKeyRefused(_logger, Source.Kind, Source.Name, reserved, PreviousValues.Root);
        }

        _refusedReserved = reserved;

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
        _current = candidate;
        if (_previous is null)
        {
            Data = candidate;
        }
        else
        {
            _previous.Keep(change, published, _time);
            Data = _previous.Compose(candidate);
        }

        return change;
    }

    private void Notify(SecretsChangedEventArgs change)
    {
        Log.Published(_logger, Source.Kind, Source.Name, change.Added.Count, change.Changed.Count, change.Removed.Count);
        SecretsTelemetry.Changes.Add(1, SecretsTelemetry.Tags(Source));
        Audit(change);
        t_inCallback = true;
        try
        {
            try
            {
                OnReload();
            }
            catch (Exception ex)
            {
                Log.CallbackFailed(_logger, Source.Kind, Source.Name, ex.GetType().FullName ?? ex.GetType().Name);
            }

            try
            {
                Changed?.Invoke(this, change);
            }
            catch (Exception ex)
            {
                Log.CallbackFailed(_logger, Source.Kind, Source.Name, ex.GetType().FullName ?? ex.GetType().Name);
            }
        }
        finally
        {
            t_inCallback = false;
        }
    }

    private void RecordSuccess(SecretLoadResult result, bool changed, TimeSpan elapsed)
    {
        int previousFailures;
        List<KeyValuePair<string, DateTimeOffset>>? recoveredKeys = null;
        var firstFailure = result.Snapshot?.Failures is [var first, ..] ? first : default;
        lock (_healthLock)
        {
            if (result.Snapshot is { } snapshot)
            {
                recoveredKeys = TrackFailingKeys(snapshot);
            }

            previousFailures = _consecutiveFailures;
            _consecutiveFailures = 0;
            _lastException = null;
            _nextRead = result.NextRead;
            _readDue = Deadline.After(_time, result.NextRead);
            _lastSuccess = _time.GetUtcNow();
            _lastSuccessTimestamp = _time.GetTimestamp();
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

        LogRecoveredKeys(recoveredKeys);

        SecretsTelemetry.Refreshes.Add(1, SecretsTelemetry.Tags(Source, changed ? "changed" : "unchanged"));
        SecretsTelemetry.Duration.Record(elapsed.TotalSeconds, SecretsTelemetry.Tags(Source));
    }

    private void RecordFailure(Exception exception, TimeSpan? elapsed, bool log)
    {
        var description = Describe(exception);
        var poll = SourcePoll();
        int failures;
        lock (_healthLock)
        {
            // Read again when the source would have been read anyway (the wait it last asked for, or its poll) if that is sooner than the backoff.
            failures = ++_consecutiveFailures;
            _lastException = exception;
            var next = poll is { } p && (_nextRead is null || p < _nextRead) ? p : _nextRead;
            _readDue = Deadline.After(_time, _settings.Retry.GetDelay(failures, exception as SecretSourceException, next));
            _lastFailure = _time.GetUtcNow();
            _lastError = description;
        }

        if (log)
        {
            LogFailure(failures, description, exception is SecretSourceException { IsTransient: false });
        }

        TagList tags = SecretsTelemetry.Tags(Source, "failed");
        SecretsTelemetry.Refreshes.Add(1, tags);
        SecretsTelemetry.Failures.Add(1, SecretsTelemetry.Tags(Source));
        if (elapsed is { } duration)
        {
            SecretsTelemetry.Duration.Record(duration.TotalSeconds, SecretsTelemetry.Tags(Source));
        }
    }

    /// <summary>A source's background work (a watch) reports failure (non-null) or recovery (null).</summary>
    private void OnBackgroundReport(SecretSourceException? failure)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        int count;
        lock (_healthLock)
        {
            if (failure is null)
            {
                count = _backgroundFailures;
                _backgroundFailures = 0;
            }
            else
            {
                count = ++_backgroundFailures;
                _lastFailure = _time.GetUtcNow();
                _lastError = failure.Message;
            }
        }

        if (failure is null)
        {
            if (count > 0)
            {
                Log.Recovered(_logger, Source.Kind, Source.Name, count);
            }

            return;
        }

        LogFailure(count, failure.Message, !failure.IsTransient);
        SecretsTelemetry.Failures.Add(1, SecretsTelemetry.Tags(Source));
    }

    /// <summary>The one logging rule for failures: the first of a streak Warning (Error when retrying cannot help), repeats Debug.</summary>
    private void LogFailure(int failures, string description, bool permanent)
    {
        if (failures > 1)
        {
            Log.RefreshStillFailing(_logger, Source.Kind, Source.Name, failures, description);
        }
        else if (permanent)
        {
            Log.RefreshRefused(_logger, Source.Kind, Source.Name, description);
        }
        else
        {
            Log.RefreshFailed(_logger, Source.Kind, Source.Name, description);
        }
    }

    /// <summary>
    /// What may be logged of an exception: the message of our own <see cref="SecretSourceException"/>
    /// (written to hold no secret), and only the type of anything else, whose text may hold a body.
    /// </summary>
    private static string Describe(Exception exception) => exception is SecretSourceException
        ? exception.Message
        : $"{exception.GetType().FullName} (message withheld: it may contain secret material)";
}
