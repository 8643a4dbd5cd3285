using System.Net;
using System.Text.Json;
using K8sSecrets.Configuration.Vault.Http;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Vault;

/// <summary>
/// Reads Vault paths on the engine's loop. Each <see cref="LoadAsync"/> does only what is due: the
/// token's login or renewal, lease renewals, and the reads of paths whose poll (or lease end) has
/// come; each result's next read is the time until the earliest of those.
/// </summary>
internal sealed partial class VaultSecretSource : SecretSource
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(12);
    private static readonly TimeSpan RevokeBudget = TimeSpan.FromSeconds(5);

    private readonly VaultSecretOptions _options;
    private readonly IVaultApi _api;
    private readonly TimeProvider _time;
    private readonly SecretRetryPolicy _retry;
    private readonly ILogger _logger;
    private readonly VaultTokenSession _session;
    private readonly VaultPathState[] _paths;
    private readonly Dictionary<string, int> _mounts;
    private bool _loaded;
    private bool _dirty;
    private long _nextDue = Monotonic.Never;
    private DateTimeOffset? _reportedTokenExpiry;

    public VaultSecretSource(string name, VaultSecretOptions options, VaultAuthMethod auth, IVaultApi api, SecretSourceContext context)
        : base("vault", name, options)
    {
        _options = options;
        _api = api;
        _time = context.TimeProvider;
        _retry = context.Retry;
        _logger = context.LoggerFactory.CreateLogger<VaultSecretSource>();
        _session = new VaultTokenSession(auth, api, _time, _logger);
        _paths = [.. options.Secrets.Select(static s => new VaultPathState(s))];
        _mounts = new Dictionary<string, int>(options.KvVersions, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public override string? Identity => "Vault " + _session.Description;

    /// <inheritdoc />
    public override TimeSpan? PollInterval => _options.PollInterval;

    /// <summary>Gets the time until the next due action: a token or lease renewal, or a path's read.</summary>
    internal TimeSpan NextRead
    {
        get
        {
            var next = Interlocked.Read(ref _nextDue);
            if (next == Monotonic.Never)
            {
                return _options.PollInterval;
            }

            return _time.Until(_time.GetTimestamp(), next, MaxWait);
        }
    }

    public override async ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await LoadCoreAsync(context.ReadAll, cancellationToken).ConfigureAwait(false);
            UpdateNextDue();
            return snapshot is null ? SecretLoadResult.Unchanged(NextRead) : SecretLoadResult.Read(snapshot, NextRead);
        }
        catch
        {
            UpdateNextDue();
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_options.RevokeLeasesOnDispose)
            {
                RevokeLeases();
            }

            _api.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<SecretSnapshot?> LoadCoreAsync(bool force, CancellationToken cancellationToken)
    {
        var strict = !_loaded && !Options.Optional;
        var generation = _session.Generation;
        await _session.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var freshToken = _session.Generation != generation;

        foreach (var path in _paths)
        {
            if (path.KvVersion is null)
            {
                await ResolveMountAsync(path, cancellationToken).ConfigureAwait(false);
            }

            var now = _time.GetTimestamp();
            if (ReadDue(path, now) || (force && !path.HasLease))
            {
                if (path.HasLease && path.TokenGeneration != _session.Generation)
                {
                    Log.LeaseOrphaned(_logger, path.Declared.Path);
                }

                await ReadAsync(path, strict, freshToken, cancellationToken).ConfigureAwait(false);
            }
            else if (path.HasLease && now >= path.RenewAt)
            {
                await RenewLeaseAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }

        var first = !_loaded;
        _loaded = true;
        if (_session.ExpiresAt != _reportedTokenExpiry)
        {
            // The token was renewed or replaced: the engine keeps expiries from the last snapshot.
            _dirty = true;
        }

        if (!_dirty && !first)
        {
            return null;
        }

        _dirty = false;
        return BuildSnapshot();
    }

    /// <summary>A path is due when its time came, or when its lease belongs to a token that was replaced.</summary>
    private bool ReadDue(VaultPathState path, long now)
        => now >= path.NextReadAt || (path.HasLease && path.TokenGeneration != _session.Generation);

    private async Task ReadAsync(VaultPathState path, bool strict, bool freshToken, CancellationToken cancellationToken)
    {
        var reply = await _api.SendAsync(HttpMethod.Get, path.ReadPath, _session.Token, cancellationToken).ConfigureAwait(false);
        if (reply.Status == HttpStatusCode.Forbidden && !freshToken
            && await _session.RecoverFromForbiddenAsync(cancellationToken).ConfigureAwait(false))
        {
            reply = await _api.SendAsync(HttpMethod.Get, path.ReadPath, _session.Token, cancellationToken).ConfigureAwait(false);
        }

        var now = _time.GetTimestamp();
        if (reply.IsSuccess)
        {
            Accept(path, reply.Envelope, now);
            return;
        }

        if (reply.Status == HttpStatusCode.NotFound)
        {
            var deleted = path.KvVersion == 2 && IsDeletedVersion(reply.Envelope);
            if (strict)
            {
                throw new SecretSourceException(
                    $"Vault has no secret at '{path.Declared.Path}' ({(deleted ? "404: its latest version is deleted or destroyed" : "404 not found")}), read at {path.PolicyPath} with {_session.Description}. "
                    + $"Check the path; the token's policy needs the \"read\" capability on \"{path.PolicyPath}\".")
                { IsTransient = false };
            }

            if (path.Entries.Count > 0 || path.HasLease)
            {
                Log.PathAbsent(_logger, path.Declared.Path, deleted);
            }

            SetEntries(path, [], version: null);
            path.ClearLease();
            path.Failure = null;
            path.TransientFailures = 0;
            path.NextReadAt = NextPoll(now);
            return;
        }

        if (VaultErrors.IsTransient(reply.Status) && (strict || VaultErrors.IsVaultWide(reply.Status)))
        {
            throw VaultErrors.Unexpected($"a read of {path.PolicyPath}", reply);
        }

        if (VaultErrors.IsTransient(reply.Status))
        {
            // Only this path is in trouble: the others are still read and published, and this one
            // keeps its last good values and is tried again with its own backoff.
            path.ClearLease();
            path.Failure = $"Vault answered {VaultErrors.Describe(reply.Status)} to a read of '{path.PolicyPath}'; the last good values stay.";
            path.NextReadAt = _time.After(now, PathBackoff(++path.TransientFailures));
            _dirty = true;
            return;
        }

        var reason = reply.Status == HttpStatusCode.Forbidden
            ? $"Vault denied reading '{path.Declared.Path}' (403 permission denied) with {_session.Description}. The token's policy needs the \"read\" capability on \"{path.PolicyPath}\"."
            : $"Vault answered {VaultErrors.Describe(reply.Status)} to a read of '{path.PolicyPath}' with {_session.Description}.";
        if (strict)
        {
            throw new SecretSourceException(reason) { IsTransient = false };
        }

        // A lease whose path can no longer be read is not renewed either: the last good
        // credentials stay published until they run out, and the path is tried again at each poll.
        path.ClearLease();
        path.Failure = reason;
        path.NextReadAt = NextPoll(now);
        _dirty = true;
    }

    private void Accept(VaultPathState path, VaultEnvelope? envelope, long now)
    {
        if (envelope?.Data is not { ValueKind: JsonValueKind.Object } data)
        {
            throw new SecretSourceException($"invalid response from Vault at {path.PolicyPath}: it holds no data object.") { IsTransient = true };
        }

        var prefix = path.Declared.Section?.Replace(':', '/');
        string? version = null;
        JsonElement fields = data;
        if (path.KvVersion == 2)
        {
            if (!data.TryGetProperty("data", out fields) || fields.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                throw new SecretSourceException($"invalid response from Vault at {path.PolicyPath}: it holds no data.data object.") { IsTransient = true };
            }

            if (data.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("version", out var v) && v.TryGetInt64(out var number))
            {
                version = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var skipped = new List<string>();
        List<KeyValuePair<string, string?>> entries;
        try
        {
            entries = _options.RawFields ? [new(path.FailureName, fields.GetRawText())] : SecretJson.Flatten(fields, prefix, skipped);
        }
        catch (SecretSourceException e)
        {
            throw new SecretSourceException($"Vault secret '{path.Declared.Path}': {e.Message} The last good values stay.") { IsTransient = e.IsTransient };
        }

        SetEntries(path, entries, version);
        var where = skipped.Count == 0 ? null : string.Join(", ", skipped.Distinct(StringComparer.Ordinal).Select(static s => s.Length == 0 ? "the top level" : $"'{s}'"));
        if (where is not null && !string.Equals(where, path.SkippedFields, StringComparison.Ordinal))
        {
            Log.EmptyFieldNames(_logger, path.Declared.Path, where);
        }

        path.SkippedFields = where;
        path.Failure = null;
        path.TransientFailures = 0;
        if (envelope.LeaseId is { Length: > 0 } leaseId && envelope.LeaseDuration > 0)
        {
            var duration = TimeSpan.FromSeconds(envelope.LeaseDuration);
            path.LeaseId = leaseId;
            path.LeaseSeconds = envelope.LeaseDuration;
            path.TokenGeneration = _session.Generation;
            path.LeaseEndsAt = _time.GetUtcNow() + duration;
            _dirty = true;
            if (envelope.Renewable)
            {
                path.RenewAt = _time.After(now, duration * 2 / 3);
                path.NextReadAt = Monotonic.Never;
            }
            else
            {
                // Cannot be renewed: read again (new credentials) well before it runs out.
                path.RenewAt = Monotonic.Never;
                path.NextReadAt = _time.After(now, duration * 2 / 3);
            }

            Log.LeaseObtained(_logger, path.Declared.Path, envelope.LeaseDuration, envelope.Renewable);
        }
        else
        {
            path.ClearLease();
            path.NextReadAt = NextPoll(now);
        }
    }

    private void SetEntries(VaultPathState path, List<KeyValuePair<string, string?>> entries, string? version)
    {
        if (!SameEntries(path.Entries, entries) || path.Failure is not null)
        {
            _dirty = true;
        }

        path.Entries = entries;
        path.Version = version;
    }

    private static bool SameEntries(List<KeyValuePair<string, string?>> left, List<KeyValuePair<string, string?>> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        for (var i = 0; i < left.Count; i++)
        {
            if (!string.Equals(left[i].Key, right[i].Key, StringComparison.Ordinal)
                || !string.Equals(left[i].Value, right[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDeletedVersion(VaultEnvelope? envelope)
        => envelope?.Data is { ValueKind: JsonValueKind.Object } data
            && data.TryGetProperty("metadata", out var metadata)
            && metadata.ValueKind == JsonValueKind.Object
            && ((metadata.TryGetProperty("destroyed", out var destroyed) && destroyed.ValueKind == JsonValueKind.True)
                || (metadata.TryGetProperty("deletion_time", out var deleted) && deleted.ValueKind == JsonValueKind.String && deleted.GetString() is { Length: > 0 }));

    private SecretSnapshot BuildSnapshot()
    {
        var snapshot = NewSnapshot();
        List<string>? versions = null;
        foreach (var path in _paths)
        {
            foreach (var (name, value) in path.Entries)
            {
                snapshot.Add(name, value);
            }

            if (path.Failure is { } failure)
            {
                snapshot.AddFailure(path.FailureName, failure);
            }

            if (path.LeaseEndsAt is { } leaseEnd)
            {
                snapshot.AddExpiry($"vault lease of {path.Declared.Path}", leaseEnd);
            }

            if (path.Version is { } version)
            {
                (versions ??= []).Add(path.Declared.Path + "@" + version);
            }
        }

        snapshot.Version = versions is null ? null : string.Join(",", versions);
        _reportedTokenExpiry = _session.ExpiresAt;
        if (_session.ExpiresAt is { } tokenEnd)
        {
            snapshot.AddExpiry("vault token", tokenEnd);
        }

        return snapshot;
    }

    /// <summary>The builder's retry policy, never longer than the poll interval (the one rule of <see cref="SecretRetryPolicy"/>).</summary>
    private TimeSpan PathBackoff(int failures) => _retry.GetDelay(failures, failure: null, _options.PollInterval);

    private long NextPoll(long now)
        => _time.After(now, SecretRetryPolicy.JitterPoll(_options.PollInterval));

    private void UpdateNextDue()
    {
        var next = _session.RenewAt;
        foreach (var path in _paths)
        {
            var due = path.HasLease && path.TokenGeneration != _session.Generation
                ? Monotonic.Now
                : Math.Min(path.NextReadAt, path.RenewAt);
            if (due < next)
            {
                next = due;
            }
        }

        Interlocked.Exchange(ref _nextDue, next);
    }
}
