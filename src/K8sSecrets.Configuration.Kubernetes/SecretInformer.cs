using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>
/// One list + watch stream: a single Secret (by <c>fieldSelector=metadata.name</c>) or the Secrets
/// matching a label selector. It keeps the latest state of each Secret in memory and tells its
/// owner when the data changed; it never publishes anything itself.
/// </summary>
internal sealed partial class SecretInformer
{
    private static readonly TimeSpan s_quickEnd = TimeSpan.FromSeconds(1);

    /// <summary>How long a watch that answered 410 is read on for the server to end it, before it is cut.</summary>
    private static readonly TimeSpan s_expiredGrace = TimeSpan.FromSeconds(1);

    private readonly IInformerOwner _owner;
    private readonly ApiSecretOptions _options;
    private readonly SecretRetryPolicy _retry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Dictionary<string, SecretState> _secrets = new(StringComparer.Ordinal);
    private string? _resourceVersion;
    private bool _listed;
    private ApiFailure? _failure;
    private int _failures;

    public SecretInformer(IInformerOwner owner, string @namespace, string? secretName, string? labelSelector, ApiSecretOptions options, SecretSourceContext context, ILogger logger)
    {
        _owner = owner;
        Namespace = @namespace;
        SecretName = secretName;
        LabelSelector = labelSelector;
        FieldSelector = secretName is null ? null : "metadata.name=" + secretName;
        _options = options;
        _retry = context.Retry;
        _time = context.TimeProvider;
        _logger = logger;
    }

    public string Namespace { get; }

    /// <summary>Gets the one Secret this informer reads, or null for a label selector.</summary>
    public string? SecretName { get; }

    public string? LabelSelector { get; }

    public string? FieldSelector { get; }

    /// <summary>Gets what this informer reads, for logs: <c>ns/name</c> or <c>ns/[selector]</c>.</summary>
    public string Target => SecretName is { } name ? $"{Namespace}/{name}" : $"{Namespace}/[{LabelSelector}]";

    public bool HasListed
    {
        get
        {
            lock (_lock)
            {
                return _listed;
            }
        }
    }

    /// <summary>Gets a value indicating whether the one Secret read is immutable, so it is never watched.</summary>
    public bool IsImmutable
    {
        get
        {
            lock (_lock)
            {
                return SecretName is not null && _secrets.TryGetValue(SecretName, out var state) && state.Immutable;
            }
        }
    }

    /// <summary>Gets the failure of the current failure streak, or null when the last attempt worked.</summary>
    public ApiFailure? Failure
    {
        get
        {
            lock (_lock)
            {
                return _failure;
            }
        }
    }

    /// <summary>Gets the Secrets currently known, ordered by name.</summary>
    public IReadOnlyList<SecretState> Secrets()
    {
        lock (_lock)
        {
            return [.. _secrets.Values.OrderBy(static s => s.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>The first list, run by the first load; failures become the clear startup errors.</summary>
    public async Task InitialListAsync(bool required, CancellationToken cancellationToken)
    {
        try
        {
            await ListWithReauthAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failure = ApiFailure.From(ex, _time);
            RecordFailure(failure);
            if (ex is SecretSourceException)
            {
                throw;
            }

            // The cause is not attached: the client's exception text embeds the response body.
            throw new SecretSourceException(Messages.ListFailed(this, failure))
            {
                IsTransient = !failure.IsForbidden && !failure.IsUnauthorized,
                RetryAfter = failure.RetryAfter,
            };
        }

        if (required && SecretName is { } name && Secrets().Count == 0)
        {
            throw new SecretSourceException(Messages.NotFound(Namespace, name));
        }
    }

    /// <summary>Lists and watches until cancelled: the informer loop.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        if (HasListed && IsImmutable)
        {
            Log.ImmutableNotWatched(_logger, Target);
            return;
        }

        var quickEnds = 0;
        var dropped = false;
        var needList = !HasListed;
        while (!stopping.IsCancellationRequested)
        {
            var delay = WatchBackoff.Delay(Math.Max(Volatile.Read(ref _failures), quickEnds), dropped, Failure, _retry, _options.ReconnectSpread);

            if (delay > TimeSpan.Zero)
            {
                Log.Waiting(_logger, Target, delay.TotalMilliseconds);
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            }

            dropped = false;
            var started = _time.GetTimestamp();
            try
            {
                if (needList)
                {
                    await ListWithReauthAsync(stopping).ConfigureAwait(false);
                    needList = false;
                    if (IsImmutable)
                    {
                        Log.ImmutableNotWatched(_logger, Target);
                        return;
                    }
                }

                var (end, streamFailure) = await WatchWithReauthAsync(stopping).ConfigureAwait(false);
                needList = end == WatchEnd.Expired;
                dropped = end == WatchEnd.Dropped;
                if (streamFailure is { } failure)
                {
                    needList = OnFailure(failure);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var failure = ApiFailure.From(ex, _time);
                if (failure.IsGone)
                {
                    Log.Expired(_logger, Target);
                    needList = true;
                }
                else
                {
                    needList |= OnFailure(failure);
                }
            }

            quickEnds = _time.GetElapsedTime(started) < s_quickEnd ? quickEnds + 1 : 0;
        }
    }

    /// <summary>
    /// Records a failed attempt; returns whether the next attempt should list again, which it
    /// always should: a list answers at once, so it is what proves the API is back.
    /// </summary>
    private bool OnFailure(ApiFailure failure)
    {
        RecordFailure(failure);
        return true;
    }

    private async Task ListWithReauthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ApiFailure.From(ex).IsUnauthorized && _owner.ReloadToken())
        {
            Log.TokenReread(_logger, Target);
            await ListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var client = _owner.Connect().Client;
        var list = await client.CoreV1.ListNamespacedSecretAsync(
            Namespace,
            fieldSelector: FieldSelector,
            labelSelector: LabelSelector,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var fresh = new Dictionary<string, SecretState>(StringComparer.Ordinal);
        foreach (var item in list.Items ?? [])
        {
            var state = SecretState.From(item);
            if (state.Name.Length > 0 && Matches(state.Name))
            {
                fresh[state.Name] = state;
            }
        }

        bool changed;
        lock (_lock)
        {
            if (_options.KeepKeysOnDelete)
            {
                foreach (var (name, kept) in _secrets)
                {
                    fresh.TryAdd(name, kept);
                }
            }

            changed = fresh.Count != _secrets.Count
                || fresh.Any(pair => !_secrets.TryGetValue(pair.Key, out var old) || !old.SameData(pair.Value));
            _secrets = fresh;
            _resourceVersion = list.Metadata?.ResourceVersion;
            _listed = true;
        }

        Log.Listed(_logger, Target, fresh.Count, list.Metadata?.ResourceVersion);
        RecordSuccess();
        if (changed)
        {
            _owner.DataChanged();
        }
    }

    private void Apply(WatchEventType type, V1Secret? secret)
    {
        var resourceVersion = secret?.Metadata?.ResourceVersion;
        if (type == WatchEventType.Bookmark)
        {
            lock (_lock)
            {
                _resourceVersion = resourceVersion ?? _resourceVersion;
            }

            return;
        }

        if (secret is null)
        {
            return;
        }

        var state = SecretState.From(secret);
        if (state.Name.Length == 0 || !Matches(state.Name))
        {
            return;
        }

        var changed = false;
        lock (_lock)
        {
            _resourceVersion = resourceVersion ?? _resourceVersion;
            var known = _secrets.TryGetValue(state.Name, out var old);
            switch (type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                    if (known && old!.ResourceVersion == state.ResourceVersion)
                    {
                        return; // a duplicate event
                    }

                    changed = !known || !old!.SameData(state);
                    _secrets[state.Name] = state;
                    break;
                case WatchEventType.Deleted when known && !_options.KeepKeysOnDelete:
                    _secrets.Remove(state.Name);
                    changed = true;
                    break;
                default:
                    break;
            }
        }

        if (type == WatchEventType.Deleted)
        {
            Log.Deleted(_logger, Target, state.Name, _options.KeepKeysOnDelete);
        }

        if (changed)
        {
            Log.Applied(_logger, Target, type.ToString(), state.Name, resourceVersion);
            _owner.DataChanged();
        }
    }

    private bool Matches(string name) => SecretName is null || string.Equals(SecretName, name, StringComparison.Ordinal);

    /// <summary>Records a failed attempt and reports it to the engine, which logs and counts it.</summary>
    private void RecordFailure(ApiFailure failure)
    {
        lock (_lock)
        {
            _failure = failure;
        }

        Interlocked.Increment(ref _failures);
        _owner.Report(this, failure);
    }

    /// <summary>Ends the failure streak as far as health goes; the backoff keeps growing until a watch holds.</summary>
    private void RecordSuccess()
    {
        lock (_lock)
        {
            if (_failure is null)
            {
                return;
            }

            _failure = null;
        }

        _owner.Report(this, null);
    }

    private void ResetBackoff() => Interlocked.Exchange(ref _failures, 0);
}
