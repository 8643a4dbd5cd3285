using System.Text.Json;
using k8s;

namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>The watch half of the informer: one watch request, its watchdog and how it ended.</summary>
internal sealed partial class SecretInformer
{
    private async Task<(WatchEnd End, ApiFailure? Failure)> WatchWithReauthAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await WatchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiFailure.From(ex).IsUnauthorized && _owner.ReloadToken())
        {
            Log.TokenReread(_logger, Target);
            return await WatchAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(WatchEnd End, ApiFailure? Failure)> WatchAsync(CancellationToken stopping)
    {
        string? resourceVersion;
        lock (_lock)
        {
            resourceVersion = _resourceVersion;
        }

        if (resourceVersion is null)
        {
            return (WatchEnd.Expired, null); // nothing to resume from: list first
        }

        var idleLimit = _options.EffectiveIdleTimeout;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var watchdog = _time.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), idle, idleLimit, Timeout.InfiniteTimeSpan);

        // The client returns a watch only with its first line, so a quiet watch that has stayed
        // open for longer than the first retry delay ends the backoff streak: an error answer
        // (401, 403, 410, 5xx) would have ended it by then. Health was already restored by the list.
        using var established = _time.CreateTimer(static state => ((SecretInformer)state!).ResetBackoff(), this, _retry.MinDelay * 2, Timeout.InfiniteTimeSpan);
        var timeoutSeconds = (int)Math.Max(1, Math.Round(_options.WatchTimeout.TotalSeconds * (0.9 + (0.1 * Random.Shared.NextDouble()))));
        var stream = new StreamState();
        var lines = 0;
        var started = _time.GetTimestamp();
        Log.Watching(_logger, Target, resourceVersion, timeoutSeconds);
        try
        {
            var events = _owner.Connect().Client.CoreV1.WatchListNamespacedSecretAsync(
                Namespace,
                allowWatchBookmarks: true,
                fieldSelector: FieldSelector,
                labelSelector: LabelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: timeoutSeconds,
                onError: error =>
                {
                    // Expired: the server ends the watch after its 410, so read on until it does; the
                    // client then finishes the response and its connection goes back to the pool clean.
                    // Cancelling at once made the client abandon a read in flight on that connection,
                    // which took the answer of the next request sent on it (the list): that list then
                    // waited out the client's timeout. A server that keeps the stream open is cut
                    // after a short grace.
                    watchdog.Change(OnStreamError(error, stream) ? s_expiredGrace : idleLimit, Timeout.InfiniteTimeSpan);
                },
                cancellationToken: idle.Token);
            await foreach (var (type, secret) in events.WithCancellation(idle.Token).ConfigureAwait(false))
            {
                if (stream.Expired)
                {
                    continue; // nothing after a 410 is applied; the list that follows is the truth
                }

                watchdog.Change(idleLimit, Timeout.InfiniteTimeSpan);
                if (lines++ == 0)
                {
                    RecordSuccess();
                    ResetBackoff();
                }

                Apply(type, secret);
            }
        }
        catch (OperationCanceledException) when (stream.Expired && !stopping.IsCancellationRequested)
        {
            Log.Expired(_logger, Target);
            return (WatchEnd.Expired, null);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            Log.WatchIdle(_logger, Target, idleLimit.TotalSeconds);
            return (WatchEnd.Idle, null);
        }
        catch (Exception ex) when (ApiFailure.IsEmptyStreamEnd(ex) && !stopping.IsCancellationRequested)
        {
            RecordSuccess();
            ResetBackoff();
            Log.WatchEnded(_logger, Target, "the server closed the watch with no event", lines);
            return (EndedOnTime(started, timeoutSeconds) ? WatchEnd.Clean : WatchEnd.Dropped, null);
        }
        catch (Exception ex) when ((lines > 0 || Established(started)) && ex is IOException or HttpRequestException && !stopping.IsCancellationRequested)
        {
            // Cut off after it was established (an API server restart, a proxy): not a failure.
            Log.WatchDropped(_logger, Target, ApiFailure.From(ex).Description, lines);
            return (WatchEnd.Dropped, null);
        }

        if (stream.Expired)
        {
            Log.Expired(_logger, Target);
            return (WatchEnd.Expired, null);
        }

        if (stream.Error is { } error)
        {
            return (WatchEnd.Clean, error);
        }

        if (lines == 0)
        {
            RecordSuccess();
            ResetBackoff();
        }

        Log.WatchEnded(_logger, Target, "the server ended the watch", lines);
        return (EndedOnTime(started, timeoutSeconds) ? WatchEnd.Clean : WatchEnd.Dropped, null);
    }

    /// <summary>Handles an ERROR event or a bad line; returns whether the resourceVersion expired.</summary>
    private bool OnStreamError(Exception error, StreamState stream)
    {
        switch (error)
        {
            case k8s.KubernetesException { Status.Code: 410 }:
                stream.Expired = true;
                return true;
            case k8s.KubernetesException:
                stream.Error = ApiFailure.From(error);
                return false;
            case JsonException:
                Log.MalformedLine(_logger, Target);
                return false;
            default:
                Log.StreamError(_logger, Target, ApiFailure.From(error).Description);
                return false;
        }
    }

    /// <summary>
    /// Whether a watch lasted about as long as it asked for. One that ends much sooner was ended by
    /// something else (an API server shutting down, a proxy), as it was for every pod around.
    /// </summary>
    private bool EndedOnTime(long started, int timeoutSeconds)
        => _time.GetElapsedTime(started) >= TimeSpan.FromSeconds(timeoutSeconds * 0.9);

    /// <summary>Whether a watch has been open long enough that an error answer would have ended it already.</summary>
    private bool Established(long started) => _time.GetElapsedTime(started) >= _retry.MinDelay * 2;

    private enum WatchEnd
    {
        Clean,
        Expired,
        Idle,
        Dropped,
    }

    private sealed class StreamState
    {
        public bool Expired { get; set; }

        public ApiFailure? Error { get; set; }
    }
}
