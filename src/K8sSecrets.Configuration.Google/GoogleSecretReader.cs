using System.Globalization;
using System.Net;
using System.Text.Json;
using K8sSecrets.Configuration.Google.Http;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Google;

/// <summary>
/// The store logic behind <see cref="GoogleSecretManagerSource"/>: lists label selections (at their own
/// interval), accesses every secret's requested version (in parallel, bounded by the API client), checks
/// each payload's CRC32C, keeps only what changed by version name and checksum, and builds the snapshot.
/// One secret that fails keeps its last good value (and, when retrying may help, is retried before the next poll
/// with the builder's retry policy); a quota or outage error fails the whole read with Retry-After.
/// Schedules run on monotonic time.
/// </summary>
internal sealed partial class GoogleSecretReader : IDisposable
{
    private const string AccessorRole = "roles/secretmanager.secretAccessor";
    private const string ViewerRole = "roles/secretmanager.viewer";

    /// <summary>The most list pages one read follows; a listing with more is a failed read (<see cref="SecretStoreHttp.ListingTruncated"/>).</summary>
    private const int MaxListPages = 1000;

    /// <summary>How long disposal waits for a cancelled read to end before it releases the connection anyway.</summary>
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(5);

    private readonly GoogleSecretManagerOptions _options;
    private readonly Func<CancellationToken, Task<GoogleConnection>> _connect;
    private readonly TimeProvider _time;
    private readonly SecretRetryPolicy _retry;
    private readonly ILogger _logger;
    private readonly List<GoogleSecretState> _named;
    private readonly Dictionary<GoogleLabelSelector, Dictionary<string, GoogleSecretState>> _labelled = [];
    private readonly Lock _lifetime = new();
    private readonly CancellationTokenSource _disposing = new();
    private Task? _reading;
    private bool _disposed;
    private GoogleConnection? _connection;
    private bool _loaded;
    private bool _dirty;
    private long _nextPollAt;
    private long _nextListAt;

    public GoogleSecretReader(
        GoogleSecretManagerOptions options,
        Func<CancellationToken, Task<GoogleConnection>> connect,
        TimeProvider time,
        SecretRetryPolicy retry,
        ILogger logger)
    {
        _options = options;
        _connect = connect;
        _time = time;
        _retry = retry;
        _logger = logger;
        _named = [.. options.Secrets.Select(s => new GoogleSecretState(s.Name, s.Version, s.TargetName, s.Flatten) { ReadsSecretMetadata = options.ReadExpireTime })];
        foreach (var selector in options.Labels)
        {
            _labelled[selector] = new Dictionary<string, GoogleSecretState>(StringComparer.Ordinal);
        }
    }

    /// <summary>Gets the earliest <c>expireTime</c> of the secrets read, or <see langword="null"/> when none expires.</summary>
    public DateTimeOffset? EarliestExpiry { get; private set; }

    /// <summary>
    /// Gets the time until the next read this reader wants: the next poll (jittered), or sooner a
    /// secret's retry after a failure that retrying may fix; never longer than
    /// <see cref="SecretRetryPolicy.LongestWait"/>.
    /// </summary>
    public TimeSpan NextRead
    {
        get
        {
            var due = _nextPollAt;
            foreach (var state in AllStates())
            {
                if (state.RetryAt is { } retryAt && retryAt < due)
                {
                    due = retryAt;
                }
            }

            var wait = _time.GetElapsedTime(_time.GetTimestamp(), due);
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > SecretRetryPolicy.LongestWait ? SecretRetryPolicy.LongestWait : wait;
        }
    }

    /// <summary>
    /// Reads what is due and returns the full snapshot, or <see langword="null"/> when nothing changed
    /// and <paramref name="readAll"/> is not set. When the poll is due (or <paramref name="readAll"/>),
    /// every secret is checked; otherwise only the secrets whose retry has come.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The reader is disposed.</exception>
    public async Task<SecretSnapshot?> ReadAsync(bool readAll, Func<SecretSnapshot> newSnapshot, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        Task<SecretSnapshot?> read;
        lock (_lifetime)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            read = ReadCoreAsync(readAll, newSnapshot, linked.Token);
            _reading = read;
        }

        return await read.ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels a read in flight and waits for it (bounded) before the connection goes, so that no request
    /// outlives the HTTP client and its concurrency gate; the read's own caller sees its end.
    /// </summary>
    public void Dispose()
    {
        Task? reading;
        lock (_lifetime)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            reading = _reading;
        }

        _disposing.Cancel();
        if (reading is not null && !reading.IsCompleted)
        {
            // Every request honours the token, so this ends as soon as the HTTP client lets go.
            ((IAsyncResult)reading).AsyncWaitHandle.WaitOne(DisposeWait);
        }

        _connection?.Dispose();
    }

    private async Task<SecretSnapshot?> ReadCoreAsync(bool readAll, Func<SecretSnapshot> newSnapshot, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var poll = readAll || !_loaded || now >= _nextPollAt;
        var list = poll && _labelled.Count > 0 && (readAll || !_loaded || now >= _nextListAt);
        _connection ??= await _connect(cancellationToken).ConfigureAwait(false);
        var strict = !_loaded && !_options.Optional;

        if (list)
        {
            foreach (var (selector, states) in _labelled)
            {
                await ListAsync(_connection, selector, states, cancellationToken).ConfigureAwait(false);
            }
        }

        // A first load that the quota interrupted accesses only the secrets it still lacks on its retry: the accesses
        // that succeeded spent the shared quota too, and in a rollout meeting it every pod retries.
        var due = AllStates().Where(s => (poll || s.RetryAt <= now) && (_loaded || !s.HasValue || s.Failure is not null)).ToList();
        var outcomes = await Task.WhenAll(due.Select(s => RefreshAsync(_connection, s, cancellationToken))).ConfigureAwait(false);
        ThrowIfFailed(outcomes, strict);
        Schedule(due, outcomes, poll, list);

        var earliest = AllStates().Where(static s => s.ExpireTime is not null).Select(static s => s.ExpireTime).Min();
        if (earliest != EarliestExpiry)
        {
            // A moved expiry is reported with a snapshot: the engine keeps the last one it got.
            _dirty = true;
        }

        EarliestExpiry = earliest;
        var first = !_loaded;
        _loaded = true;
        if (!_dirty && !first && !readAll)
        {
            return null;
        }

        _dirty = false;
        return BuildSnapshot(newSnapshot(), [.. AllStates()]);
    }

    private IEnumerable<GoogleSecretState> AllStates() => _named.Concat(_labelled.Values.SelectMany(static d => d.Values));

    /// <summary>
    /// Sets the next poll (when this read was one), the earliest next label list (when this read listed) and each
    /// read secret's retry: a failure that retrying may fix is read again after the retry policy's backoff,
    /// never later than a poll.
    /// </summary>
    private void Schedule(List<GoogleSecretState> read, Outcome[] outcomes, bool poll, bool list)
    {
        var now = _time.GetTimestamp();
        if (poll)
        {
            // The first poll after the first load is spread over the whole interval (a rollout's pods poll apart).
            _nextPollAt = After(now, _loaded ? SecretRetryPolicy.JitterPoll(_options.PollInterval) : SecretRetryPolicy.JitterFirstPoll(_options.PollInterval));
        }

        if (list)
        {
            // Lists ride on polls: the first poll at least 90% of the interval after this one (the poll's own
            // jitter spreads them), so a list never costs a wake-up or a second access of every secret.
            _nextListAt = After(now, _options.EffectiveLabelListInterval * 0.9);
        }

        for (var i = 0; i < read.Count; i++)
        {
            var state = read[i];
            if (outcomes[i] is { Failure: not null, Transient: true })
            {
                state.RetryAt = After(now, _retry.GetDelay(++state.TransientFailures, failure: null, _options.PollInterval));
            }
            else
            {
                state.TransientFailures = 0;
                state.RetryAt = null;
            }
        }
    }

    private long After(long timestamp, TimeSpan wait)
        => timestamp + (long)(Math.Min(wait.TotalSeconds, SecretRetryPolicy.LongestWait.TotalSeconds) * _time.TimestampFrequency);

    private static SecretSourceException ServiceWide(SecretManagerApiException error) => new(
        error.Status == HttpStatusCode.Unauthorized
            ? $"Google Secret Manager refused the access token (401 UNAUTHENTICATED) for {error.Resource} even after a fresh one was fetched. Check the credential."
            : $"Google Secret Manager answered {(int)error.Status} {error.RpcStatus} for {error.Resource}; the last good values stay and the read is retried with backoff.")
    {
        IsTransient = true,
        IsThrottled = error.Status == HttpStatusCode.TooManyRequests,
        RetryAfter = error.RetryAfter,
    };

    private void ThrowIfFailed(Outcome[] outcomes, bool strict)
    {
        // A quota or outage error speaks for the whole service: fail the read (keeping every last good
        // value), honouring the longest Retry-After any answer asked for.
        var serviceWide = outcomes.Where(static o => o.Error is SecretManagerApiException { IsServiceWide: true } or SecretSourceException).ToList();
        if (serviceWide.Count > 0)
        {
            var retryAfter = serviceWide.Select(static o => (o.Error as SecretManagerApiException)?.RetryAfter).Max();
            var error = serviceWide[0].Error switch
            {
                SecretManagerApiException api => ServiceWide(api),
                var other => (SecretSourceException)other!,
            };
            throw retryAfter is null || error.RetryAfter == retryAfter ? error : new SecretSourceException(error.Message) { IsTransient = true, IsThrottled = error.IsThrottled, RetryAfter = retryAfter };
        }

        if (strict && outcomes.FirstOrDefault(static o => o.Failure is not null) is { Failure: { } failure } failed)
        {
            throw new SecretSourceException(failure) { IsTransient = failed.Transient };
        }
    }

    private async Task ListAsync(GoogleConnection connection, GoogleLabelSelector selector, Dictionary<string, GoogleSecretState> states, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        string? pageToken = null;
        var pages = 0;
        do
        {
            ListSecretsResponse page;
            try
            {
                page = await connection.Api.ListSecretsAsync(connection.Parent, selector.Filter, pageToken, cancellationToken).ConfigureAwait(false);
            }
            catch (SecretManagerApiException error)
            {
                throw ListFailed(connection, selector, error);
            }

            foreach (var secret in page.Secrets ?? [])
            {
                var id = secret.Name is { } name ? GoogleNames.LastSegment(name) : null;
                if (id is null || !GoogleNames.IsSecretId(id))
                {
                    throw new SecretSourceException($"invalid response from Google Secret Manager for {connection.Parent}/secrets?filter={selector.Filter}: a secret without a valid name.") { IsTransient = true };
                }

                seen[id] = ProtoTime.Parse(secret.ExpireTime);
            }

            pageToken = page.NextPageToken;
            if (++pages >= MaxListPages && !string.IsNullOrEmpty(pageToken))
            {
                throw SecretStoreHttp.ListingTruncated(
                    "Google Secret Manager",
                    $"the secrets labelled {selector.LabelKey}={selector.LabelValue} in {connection.Where}",
                    MaxListPages,
                    "Select fewer secrets per source: a label that fewer secrets carry.");
            }
        }
        while (!string.IsNullOrEmpty(pageToken));

        foreach (var gone in states.Keys.Where(k => !seen.ContainsKey(k)).ToList())
        {
            Log.LabelledSecretGone(_logger, gone, selector.LabelKey, selector.LabelValue);
            states.Remove(gone);
            _dirty = true;
        }

        foreach (var (id, expireTime) in seen)
        {
            if (!states.TryGetValue(id, out var state))
            {
                var prefix = selector.Section is null ? null : selector.Section.Replace(':', '/') + "/";
                states[id] = state = new GoogleSecretState(id, "latest", prefix + id, flatten: false);
                _dirty = true;
            }

            state.ExpireTime = expireTime;
        }
    }

    private SecretSourceException ListFailed(GoogleConnection connection, GoogleLabelSelector selector, SecretManagerApiException error)
    {
        if (error.IsServiceWide)
        {
            return ServiceWide(error);
        }

        if (error.IsInvalidResponse)
        {
            return new SecretSourceException(error.Message) { IsTransient = true };
        }

        var fix = error.Status == HttpStatusCode.Forbidden
            ? $" Listing secrets by label needs secretmanager.secrets.list on the project (for example {ViewerRole}) for {connection.Credential}."
            : string.Empty;
        return new SecretSourceException(
            $"Google Secret Manager answered {(int)error.Status} {error.RpcStatus} to listing the secrets labelled {selector.LabelKey}={selector.LabelValue} in {connection.Where}.{fix}")
        { IsTransient = false };
    }

    /// <summary>
    /// Reads one secret by accessing its requested version (<c>latest</c>, a number or an alias): the answer
    /// names the concrete version and carries the payload's CRC32C, so a poll with nothing changed costs one
    /// access call (Secret Manager's access quota, 90,000 a minute per project) and no metadata read (600 a
    /// minute). With <see cref="GoogleSecretManagerOptions.ReadExpireTime"/>, a named secret's own metadata (its
    /// <c>expireTime</c>) is read at its first read and again only when the version or the checksum changed.
    /// </summary>
    private async Task<Outcome> RefreshAsync(GoogleConnection connection, GoogleSecretState state, CancellationToken cancellationToken)
    {
        try
        {
            if (state.ResolvedVersion is null)
            {
                var first = await AccessWithExpiryAsync(connection, state, state.RequestedVersion, cancellationToken).ConfigureAwait(false);
                return Accept(connection, state, state.RequestedVersion, first);
            }

            var (version, crc) = (state.ResolvedVersion, state.Crc);
            var access = await connection.Api.AccessAsync(connection.Parent, state.SecretId, state.RequestedVersion, cancellationToken).ConfigureAwait(false);
            var outcome = Accept(connection, state, state.RequestedVersion, access);
            if (state.ReadsSecretMetadata && (state.Crc != crc || !string.Equals(state.ResolvedVersion, version, StringComparison.Ordinal)))
            {
                await ReadExpiryAsync(connection, state, cancellationToken).ConfigureAwait(false);
            }

            return outcome;
        }
        catch (SecretManagerApiException error) when (!error.IsServiceWide)
        {
            return SecretFailed(connection, state, error);
        }
        catch (Exception error) when (error is SecretManagerApiException or SecretSourceException)
        {
            return new Outcome(error, null, true);
        }
    }

    /// <summary>
    /// Accesses a version while, for a named secret, its metadata (the <c>expireTime</c>) is read alongside.
    /// The metadata read never outlives this call: when the access fails it is cancelled and awaited (its
    /// outcome dropped, the access failure is the one that counts), so no task is left running or unobserved.
    /// </summary>
    private async Task<AccessSecretVersionResponse> AccessWithExpiryAsync(GoogleConnection connection, GoogleSecretState state, string version, CancellationToken cancellationToken)
    {
        if (!state.ReadsSecretMetadata)
        {
            return await connection.Api.AccessAsync(connection.Parent, state.SecretId, version, cancellationToken).ConfigureAwait(false);
        }

        using var expiryStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var expiry = ReadExpiryAsync(connection, state, expiryStop.Token);
        AccessSecretVersionResponse access;
        try
        {
            access = await connection.Api.AccessAsync(connection.Parent, state.SecretId, version, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await expiryStop.CancelAsync().ConfigureAwait(false);
            await expiry.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        await expiry.ConfigureAwait(false);
        return access;
    }

    private async Task ReadExpiryAsync(GoogleConnection connection, GoogleSecretState state, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await connection.Api.GetSecretAsync(connection.Parent, state.SecretId, cancellationToken).ConfigureAwait(false);
            state.ExpireTime = ProtoTime.Parse(secret.ExpireTime);
        }
        catch (SecretManagerApiException error) when (!error.IsServiceWide)
        {
            // Expiry is informative; without secretmanager.secrets.get it is simply not known.
            state.ReadsSecretMetadata = false;
            Log.ExpiryUnknown(_logger, state.SecretId, (int)error.Status);
        }
    }

    /// <summary>
    /// The version number an answer names, which must be a version of exactly the secret asked for, in
    /// its location (any project segment: the service names the project by number). An answer naming
    /// another secret, or the same one in another location, is refused rather than published.
    /// </summary>
    private static string ConcreteVersion(GoogleConnection connection, GoogleSecretState state, string resource, string? name)
    {
        var version = name is null ? null : GoogleNames.VersionOf(name, state.SecretId, connection.Location);
        if (version is null)
        {
            throw SecretManagerApiException.Invalid(resource, $"the version's name holds no version number of secret '{state.SecretId}'{(connection.Location is { } l ? $" in location {l}" : string.Empty)}");
        }

        return version;
    }

    private Outcome Accept(GoogleConnection connection, GoogleSecretState state, string accessed, AccessSecretVersionResponse access)
    {
        var resource = $"{connection.Parent}/secrets/{state.SecretId}/versions/{accessed}:access";
        var version = ConcreteVersion(connection, state, resource, access.Name);
        if (access.Payload?.Data is not { } data)
        {
            // An empty payload is sent without "data"; a missing payload object is not what the service sends.
            if (access.Payload is null)
            {
                throw SecretManagerApiException.Invalid(resource, "it holds no payload");
            }

            data = string.Empty;
        }

        var bytes = DecodeBase64(data) ?? throw SecretManagerApiException.Invalid(resource, "payload.data is not base64");
        var crc = Crc32C.Compute(bytes);
        if (access.Payload.DataCrc32c is not { } expected)
        {
            // The service stores a checksum with every version and returns it: an answer without one is as suspect as a wrong one.
            return Fail(state, $"The payload of version {version} of Google secret '{state.SecretId}' came without its CRC32C checksum (dataCrc32c), so it cannot be checked; the last good value stays.", transient: true);
        }

        if ((ulong)expected != crc)
        {
            return Fail(state, $"The payload of version {version} of Google secret '{state.SecretId}' failed its CRC32C check (corrupted in transit or storage); the last good value stays.", transient: true);
        }

        if (state.HasValue && state.Failure is null && state.Crc == crc && string.Equals(state.ResolvedVersion, version, StringComparison.Ordinal))
        {
            return default;
        }

        if (state.Flatten)
        {
            List<KeyValuePair<string, string?>>? entries;
            try
            {
                entries = ParseObject(bytes);
            }
            catch (SecretSourceException e)
            {
                return Fail(state, $"Version {version} of Google secret '{state.SecretId}': {e.Message} The last good values stay.", transient: false);
            }

            if (entries is null)
            {
                return Fail(state, $"Version {version} of Google secret '{state.SecretId}' is not a JSON object, so it cannot be flattened under '{state.TargetName.Replace('/', ':')}'; the last good values stay.", transient: false);
            }

            state.Entries = entries;
            state.Bytes = null;
        }
        else
        {
            state.Bytes = bytes;
            state.Entries = null;
        }

        if (!string.Equals(state.RequestedVersion, version, StringComparison.Ordinal))
        {
            Log.VersionResolved(_logger, state.SecretId, state.RequestedVersion, version);
        }

        state.ResolvedVersion = version;
        state.Crc = crc;
        state.Failure = null;
        _dirty = true;
        return default;
    }

    private List<KeyValuePair<string, string?>>? ParseObject(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object ? SecretJson.Flatten(document.RootElement, null) : null;
        }
        catch (JsonException)
        {
            // The parser's message may quote the payload.
            return null;
        }
    }

    private Outcome SecretFailed(GoogleConnection connection, GoogleSecretState state, SecretManagerApiException error)
    {
        if (error.IsInvalidResponse)
        {
            return Fail(state, error.Message + " The last good value stays.", transient: true);
        }

        switch (error.Status)
        {
            case HttpStatusCode.NotFound:
                if (!_loaded && !_options.Optional)
                {
                    return Fail(state, $"Google secret '{state.SecretId}' ({Asked(state)}) was not found in {connection.Where} (404 NOT_FOUND). Check the name, the project and the endpoint's location.", transient: false);
                }

                if (state.HasValue)
                {
                    Log.SecretGone(_logger, state.SecretId, state.RequestedVersion);
                    state.Clear();
                    _dirty = true;
                }

                state.Failure = null;
                return default;
            case HttpStatusCode.Forbidden:
                return Fail(state, $"Google Secret Manager denied reading secret '{state.SecretId}' in {connection.Where} (403 PERMISSION_DENIED) to {connection.Credential}. Grant it {AccessorRole} on the secret or the project.", transient: false);
            default:
                var disabled = error.RpcStatus == "FAILED_PRECONDITION";
                var precondition = disabled ? " (the version is disabled or destroyed)" : string.Empty;
                var fix = disabled ? $" Enable the version, or point '{state.RequestedVersion}' at an enabled one." : string.Empty;
                return Fail(state, $"Google Secret Manager answered {(int)error.Status} {error.RpcStatus}{precondition} for secret '{state.SecretId}' ({Asked(state)}); the last good value stays.{fix}", transient: false);
        }
    }

    private Outcome Fail(GoogleSecretState state, string reason, bool transient)
    {
        if (!string.Equals(state.Failure, reason, StringComparison.Ordinal))
        {
            _dirty = true;
        }

        state.Failure = reason;
        return new Outcome(null, reason, transient);
    }

    private static string Asked(GoogleSecretState state) => state.RequestedVersion == "latest" ? "latest version" : "version " + state.RequestedVersion;

    private static byte[]? DecodeBase64(string data)
    {
        // ProtoJSON writes standard base64 with padding; parsers also accept the URL-safe alphabet and no padding.
        var text = data.Contains('-', StringComparison.Ordinal) || data.Contains('_', StringComparison.Ordinal)
            ? data.Replace('-', '+').Replace('_', '/')
            : data;
        if (text.Length % 4 != 0)
        {
            text = text.PadRight(text.Length + (4 - (text.Length % 4)), '=');
        }

        var buffer = new byte[text.Length / 4 * 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    private static SecretSnapshot BuildSnapshot(SecretSnapshot snapshot, List<GoogleSecretState> states)
    {
        List<string>? versions = null;
        foreach (var state in states)
        {
            if (state.Entries is { } entries)
            {
                var prefix = state.TargetName + "/";
                foreach (var (name, value) in entries)
                {
                    snapshot.Add(prefix + name, value);
                }
            }
            else if (state.Bytes is { } bytes)
            {
                snapshot.Add(state.TargetName, bytes);
            }

            if (state.Failure is { } failure)
            {
                snapshot.AddFailure(state.TargetName, failure);
            }

            if (state.ResolvedVersion is { } version)
            {
                (versions ??= []).Add(state.SecretId + "@" + version);
            }

            if (state.ExpireTime is { } expireTime)
            {
                snapshot.AddExpiry(state.TargetName, expireTime);
            }
        }

        snapshot.Version = versions is null ? null : string.Join(",", versions.Order(StringComparer.Ordinal));
        return snapshot;
    }

    /// <summary>How one secret's read ended: a service-wide error to rethrow, or a per-secret failure reason.</summary>
    private readonly record struct Outcome(Exception? Error, string? Failure, bool Transient);
}
