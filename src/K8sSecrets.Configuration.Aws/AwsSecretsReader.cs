using System.Globalization;
using System.Text.Json;
using K8sSecrets.Configuration.Aws.Http;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Aws;

/// <summary>
/// The store logic of the AWS source, apart from the engine's contract: one read checks the
/// version ids of every declared secret with <c>ListSecrets</c> (a name filter, 100 per page),
/// then reads the values of only those that changed, 20 per <c>BatchGetSecretValue</c> call
/// (<c>GetSecretValue</c> for a pinned stage or version id). Nothing changed means no value call.
/// </summary>
internal sealed partial class AwsSecretsReader : IDisposable
{
    public const int BatchSize = 20;
    private const int ListPageSize = 100;
    private const string Current = "AWSCURRENT";

    /// <summary>The failure of a secret the answer did not name exactly (no value of it, or another secret's).</summary>
    private const string NotThisSecret = "NoAnswer";

    private readonly ISecretsManagerApi _api;
    private readonly AwsSecretsManagerOptions _options;
    private readonly string _credentials;
    private readonly ILogger _logger;
    private readonly List<AwsSecretState> _declared;
    private readonly Dictionary<(AwsSecretPrefix Prefix, string Name), AwsSecretState> _selected = [];
    private bool _listDenied;
    private bool _loaded;
    private long _nextRotationTicks = long.MaxValue;

    public AwsSecretsReader(ISecretsManagerApi api, AwsSecretsManagerOptions options, string credentials, ILogger logger)
    {
        _api = api;
        _options = options;
        _credentials = credentials;
        _logger = logger;
        _declared = [.. options.Secrets.Select(AwsSecretState.ForDeclared)];
    }

    /// <summary>Gets the earliest <c>NextRotationDate</c> of the secrets read, or <see langword="null"/> when none rotates.</summary>
    public DateTimeOffset? NextRotation
    {
        get
        {
            var ticks = Interlocked.Read(ref _nextRotationTicks);
            return ticks == long.MaxValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Reads what changed.</summary>
    /// <param name="readAll">Read every value, whatever the versions say.</param>
    /// <param name="newSnapshot">Creates an empty snapshot.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The snapshot, or <see langword="null"/> when nothing changed.</returns>
    public async Task<SecretSnapshot?> ReadAsync(bool readAll, Func<SecretSnapshot> newSnapshot, CancellationToken cancellationToken)
    {
        var strict = !_loaded && !_options.Optional;
        var listing = await ListAsync(cancellationToken).ConfigureAwait(false);
        var changed = false;
        var batch = new List<AwsSecretState>();
        var pinned = new List<AwsSecretState>();

        foreach (var state in _declared)
        {
            var entry = listing?.FirstOrDefault(e => state.Matches(e.Arn, e.Name));
            if (entry is not null)
            {
                state.Arn = entry.Arn ?? state.Arn;
                state.Name = entry.Name ?? state.Name;
                state.NextRotation = Epoch(entry.NextRotationDate);
            }
            else
            {
                // Not listed (listing denied or cut, or the secret created again under its name): ask by
                // the declared id, not an ARN learned before, which names a secret that may be gone.
                state.Arn = null;
            }

            if (NeedsRead(state, entry, readAll))
            {
                (state.Declared!.IsCurrent ? batch : pinned).Add(state);
            }
        }

        if (listing is not null)
        {
            changed |= SelectByPrefix(listing, readAll, batch);
        }

        for (var i = 0; i < batch.Count; i += BatchSize)
        {
            changed |= await ReadBatchAsync(batch.GetRange(i, Math.Min(BatchSize, batch.Count - i)), strict, cancellationToken).ConfigureAwait(false);
        }

        foreach (var state in pinned)
        {
            changed |= await ReadPinnedAsync(state, strict, cancellationToken).ConfigureAwait(false);
        }

        // A moved rotation date is reported with a snapshot: the engine keeps the last one it got.
        changed |= UpdateNextRotation();
        Log.Checked(_logger, listing?.Count ?? -1, batch.Count + pinned.Count, changed);
        var first = !_loaded;
        _loaded = true;
        return changed || readAll || first ? BuildSnapshot(newSnapshot()) : null;
    }

    /// <summary>Gets a value indicating whether a secret kept its old value after a failure that may pass by itself.</summary>
    public bool HasTransientFailure
        => _declared.Exists(static s => s.Failure is not null && s.FailureIsTransient)
            || _selected.Values.Any(static s => s.Failure is not null && s.FailureIsTransient);

    public void Dispose() => _api.Dispose();

    private static DateTimeOffset? Epoch(double? seconds)
        => seconds is { } s && double.IsFinite(s) && s is > 0 and < 253402300799 ? DateTimeOffset.FromUnixTimeMilliseconds((long)(s * 1000)) : null;

    /// <summary>The version id a listing entry gives the stage of <paramref name="state"/>, or <see langword="null"/>.</summary>
    private static string? ListedVersion(AwsSecretState state, SecretListEntry? entry)
    {
        if (entry?.SecretVersionsToStages is not { } versions)
        {
            return null;
        }

        var stage = state.Version.VersionStage ?? Current;
        foreach (var (versionId, stages) in versions)
        {
            if (stages?.Contains(stage, StringComparer.Ordinal) == true)
            {
                return versionId;
            }
        }

        return null;
    }

    private bool NeedsRead(AwsSecretState state, SecretListEntry? entry, bool readAll)
    {
        if (readAll || state.VersionId is null || state.Failure is not null || _listDenied)
        {
            return true;
        }

        if (state.Version.VersionId is not null)
        {
            return false; // A fixed version never changes.
        }

        // Not listed (just created, listed late, or a partial ARN): read it rather than trust silence.
        return ListedVersion(state, entry) is not { } listed || !string.Equals(listed, state.VersionId, StringComparison.Ordinal);
    }

    /// <summary>Adds new and changed prefix-selected secrets to <paramref name="batch"/>; forgets the ones no longer listed.</summary>
    private bool SelectByPrefix(List<SecretListEntry> listing, bool readAll, List<AwsSecretState> batch)
    {
        var changed = false;
        var seen = new HashSet<(AwsSecretPrefix, string)>();
        foreach (var prefix in _options.Prefixes)
        {
            foreach (var entry in listing)
            {
                if (entry.Name is not { } name || entry.DeletedDate is not null || !name.StartsWith(prefix.Prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                seen.Add((prefix, name));
                if (!_selected.TryGetValue((prefix, name), out var state))
                {
                    _selected[(prefix, name)] = state = AwsSecretState.ForPrefix(prefix, name);
                }

                state.Arn = entry.Arn ?? state.Arn;
                state.NextRotation = Epoch(entry.NextRotationDate);
                if (NeedsRead(state, entry, readAll))
                {
                    batch.Add(state);
                }
            }
        }

        foreach (var key in _selected.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            Log.SecretGone(_logger, key.Name);
            _selected.Remove(key);
            changed = true;
        }

        return changed;
    }

    /// <summary>Lists the declared names and prefixes; <see langword="null"/> when listing is not allowed (named secrets only).</summary>
    private async Task<List<SecretListEntry>?> ListAsync(CancellationToken cancellationToken)
    {
        if (_listDenied)
        {
            return null;
        }

        var filters = NameFilter();
        var listing = new List<SecretListEntry>();
        if (filters is [])
        {
            return listing;
        }

        string? token = null;
        var maxPages = _options.MaxListPages;
        for (var page = 0; page < maxPages; page++)
        {
            ListSecretsResponse response;
            try
            {
                response = await _api.ListSecretsAsync(
                    new ListSecretsRequest { Filters = filters, MaxResults = ListPageSize, NextToken = token },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (SecretsManagerError error) when (error.Code == SecretsManagerErrorCodes.AccessDenied && _options.Prefixes.Count == 0)
            {
                // Named secrets can be read without listing; each poll then reads every value.
                _listDenied = true;
                Log.ListDenied(_logger, _credentials);
                return null;
            }
            catch (SecretsManagerError error)
            {
                throw Translate(error, "ListSecrets", "the secrets' versions", "secretsmanager:ListSecrets (on Resource \"*\")");
            }

            listing.AddRange(response.SecretList ?? []);
            token = response.NextToken;
            if (string.IsNullOrEmpty(token))
            {
                return listing;
            }
        }

        if (_options.Prefixes.Count == 0)
        {
            return listing; // Named secrets missing from a cut listing are read directly, so nothing is lost.
        }

        // Secrets past the cut would be missing and the ones loaded before taken for deleted.
        throw SecretStoreHttp.ListingTruncated(
            "Secrets Manager at " + _api.Endpoint.Host,
            filters is null ? "every secret (ListSecrets with no filter)" : $"the secrets whose name starts with {string.Join(", ", filters[0].Values.Select(static v => $"'{v}'"))}",
            maxPages,
            $"A read follows at most {maxPages} ListSecrets pages of {ListPageSize}. Select fewer secrets per source: longer prefixes in SecretsWithPrefix, or the prefixes split across sources (names and prefixes that share a start are listed through that start).");
    }

    /// <summary>
    /// One <c>name</c> filter of at most 10 prefixes that covers every declared name and prefix;
    /// an empty list when there is nothing to list yet, <see langword="null"/> for no filter.
    /// </summary>
    private List<SecretsFilter>? NameFilter()
    {
        var values = new List<string>();
        foreach (var state in _declared)
        {
            var name = state.Declared!.IsArn ? state.Name : state.Id;
            if (name is null)
            {
                continue; // An ARN not yet read: it is read directly until its name is known.
            }

            values.Add(name);
        }

        values.AddRange(_options.Prefixes.Select(static p => p.Prefix));
        if (values.Count == 0)
        {
            return [];
        }

        if (values.Any(static v => !v.All(AwsSecretsManagerOptions.IsFilterChar)))
        {
            return null; // A name the filter cannot spell: list everything and match here.
        }

        var prefixes = NameFilters.Cover(values, AwsSecretsManagerOptions.MaxFilterValues);
        return prefixes.Count == 0 ? null : [new SecretsFilter("name", prefixes)];
    }

    private async Task<bool> ReadBatchAsync(List<AwsSecretState> states, bool strict, CancellationToken cancellationToken)
    {
        BatchGetSecretValueResponse response;
        try
        {
            response = await _api.BatchGetSecretValueAsync(
                new BatchGetSecretValueRequest { SecretIdList = [.. states.Select(static s => s.RequestId)] },
                cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsManagerError error)
        {
            throw Translate(error, "BatchGetSecretValue", Names(states), "secretsmanager:BatchGetSecretValue, plus secretsmanager:GetSecretValue on each secret");
        }

        var changed = false;
        var answered = new HashSet<AwsSecretState>();
        foreach (var value in response.SecretValues ?? [])
        {
            var state = states.FirstOrDefault(s => !answered.Contains(s) && s.Matches(value.Arn, value.Name));
            if (state is not null && answered.Add(state))
            {
                changed |= Accept(state, value);
            }
        }

        foreach (var error in response.Errors ?? [])
        {
            var state = states.FirstOrDefault(s => !answered.Contains(s) && string.Equals(s.RequestId, error.SecretId, StringComparison.Ordinal))
                ?? states.FirstOrDefault(s => !answered.Contains(s) && AwsSecretIds.MatchesEcho(s.Id, error.SecretId));
            if (state is not null && answered.Add(state))
            {
                changed |= Fail(state, SecretsManagerErrorCodes.Sanitize(error.ErrorCode), "secretsmanager:GetSecretValue", strict);
            }
        }

        foreach (var state in states.Where(s => !answered.Contains(s)))
        {
            changed |= Fail(state, NotThisSecret, "secretsmanager:GetSecretValue", strict);
        }

        return changed;
    }

    private async Task<bool> ReadPinnedAsync(AwsSecretState state, bool strict, CancellationToken cancellationToken)
    {
        SecretValueEntry value;
        try
        {
            value = await _api.GetSecretValueAsync(
                new GetSecretValueRequest { SecretId = state.RequestId, VersionId = state.Version.VersionId, VersionStage = state.Version.VersionStage },
                cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsManagerError error) when (!error.IsTransient && error.Code != SecretsManagerErrorCodes.AccessDenied)
        {
            return Fail(state, error.Code, "secretsmanager:GetSecretValue", strict);
        }
        catch (SecretsManagerError error)
        {
            throw Translate(error, "GetSecretValue", Describe(state), "secretsmanager:GetSecretValue");
        }

        return state.Matches(value.Arn, value.Name) ? Accept(state, value) : Fail(state, NotThisSecret, "secretsmanager:GetSecretValue", strict);
    }

    /// <summary>Takes a value in; returns whether the published entries change.</summary>
    private bool Accept(AwsSecretState state, SecretValueEntry value)
    {
        state.Arn = value.Arn ?? state.Arn;
        state.Name = value.Name ?? state.Name;
        List<AwsEntry> entries;
        try
        {
            entries = Entries(state, value);
        }
        catch (FormatException)
        {
            return SetFailure(state, $"The SecretBinary of secret {Describe(state)} is not valid base64; its last good value stays.");
        }
        catch (SecretSourceException e)
        {
            return SetFailure(state, $"Secret {Describe(state)}: {e.Message} Its last good value stays.");
        }

        if (entries.Count == 0)
        {
            return SetFailure(state, $"Secret {Describe(state)} has neither SecretString nor SecretBinary; its last good value stays.");
        }

        var wasFailed = state.Failure is not null;
        var same = !wasFailed && entries.Count == state.Entries.Count && entries.Zip(state.Entries).All(static p => p.First.SameAs(p.Second));
        state.Entries = entries;
        state.VersionId = value.VersionId ?? state.VersionId ?? string.Empty;
        state.Failure = null;
        return !same;
    }

    private static List<AwsEntry> Entries(AwsSecretState state, SecretValueEntry value)
    {
        var declared = state.Declared;
        var single = declared is null
            ? AwsSecretState.PrefixPath(state.Prefix!, state.Name ?? state.Id)
            : AwsSecretState.ToName(declared.Key ?? declared.Section) ?? AwsSecretState.ToName(state.Name ?? declared.Id)!;
        if (value.SecretString is { } text)
        {
            if (declared?.Key is null && TryFlatten(text, declared is null ? single : AwsSecretState.ToName(declared.Section)) is { } fields)
            {
                return fields;
            }

            return [new AwsEntry(single, text, null)];
        }

        if (value.SecretBinary is { } base64)
        {
            return [new AwsEntry(single, null, Convert.FromBase64String(base64))];
        }

        return [];
    }

    private static List<AwsEntry>? TryFlatten(string text, string? prefix)
    {
        var span = text.AsSpan().TrimStart();
        if (span.Length == 0 || span[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return [.. SecretJson.Flatten(document.RootElement, prefix).Select(static e => new AwsEntry(e.Key, e.Value, null))];
        }
        catch (JsonException)
        {
            return null; // Text that merely starts with a brace is published as it is.
        }
    }

    /// <summary>Records a per-secret error: the secret keeps its last good value, unless the first load must succeed.</summary>
    private bool Fail(AwsSecretState state, string code, string action, bool strict)
    {
        var transient = SecretsManagerErrorCodes.IsTransient(code) || code == NotThisSecret;
        var reason = code switch
        {
            SecretsManagerErrorCodes.ResourceNotFound => $"Secret {Describe(state)} was not found in {_api.Endpoint.Host}. Check the name, the region and, for a version, that it still exists.",
            SecretsManagerErrorCodes.AccessDenied => $"Access to secret {Describe(state)} was denied for {_credentials}. The role needs {action} on it.",
            SecretsManagerErrorCodes.DecryptionFailure => $"Secret {Describe(state)} could not be decrypted (DecryptionFailure). The role needs kms:Decrypt on the secret's KMS key.",
            SecretsManagerErrorCodes.InvalidRequest => $"Secret {Describe(state)} cannot be read now (InvalidRequestException: for example it is marked for deletion).",
            NotThisSecret => $"Secrets Manager answered no value of exactly secret {Describe(state)}, and no error. A name matches only that name, a full ARN only itself, and a partial ARN only itself plus a hyphen and the six random characters; a name that itself ends in a hyphen and six letters or digits must be given by name or full ARN.",
            _ => $"Reading secret {Describe(state)} failed with {code}.",
        };

        if (strict)
        {
            throw new SecretSourceException(reason) { IsTransient = transient };
        }

        if (code == SecretsManagerErrorCodes.ResourceNotFound && _options.MissingIsAbsent)
        {
            Log.SecretFailed(_logger, state.Name ?? state.Id, code);
            var had = state.Entries.Count > 0 || state.Failure is not null;
            state.Entries = [];
            state.VersionId = null;
            state.Failure = null;
            return had;
        }

        Log.SecretFailed(_logger, state.Name ?? state.Id, code);
        var changed = SetFailure(state, reason + " Its last good value stays.");
        state.FailureIsTransient = transient;
        return changed;
    }

    private static bool SetFailure(AwsSecretState state, string reason)
    {
        var changed = !string.Equals(state.Failure, reason, StringComparison.Ordinal);
        state.Failure = reason;
        state.FailureIsTransient = false;
        return changed;
    }

    private SecretSourceException Translate(SecretsManagerError error, string action, string what, string permission)
    {
        if (error.Code == SecretsManagerErrorCodes.AccessDenied)
        {
            return new SecretSourceException($"Secrets Manager denied {action} for {what} with {_credentials}. The role needs {permission}.", error) { IsTransient = false };
        }

        if (error.Code == SecretsManagerErrorCodes.Throttling)
        {
            return new SecretSourceException($"Secrets Manager throttled {action} for {what}; the last good values stay and the read is retried with backoff.", error)
            {
                IsTransient = true,
                IsThrottled = true,
                RetryAfter = error.RetryAfter,
            };
        }

        var status = (int)error.Status;
        return new SecretSourceException(
            $"Secrets Manager answered {status} {error.Code} to {action} for {what}{(error.IsTransient ? "; the last good values stay." : $" with {_credentials}.")}", error)
        {
            IsTransient = error.IsTransient,
            RetryAfter = error.RetryAfter,
        };
    }

    private static string Describe(AwsSecretState state) => state.Declared?.Describe() ?? $"'{state.Name ?? state.Id}'";

    private static string Names(List<AwsSecretState> states)
        => states.Count <= 3
            ? string.Join(", ", states.Select(Describe))
            : string.Create(CultureInfo.InvariantCulture, $"{states.Count} secrets ({Describe(states[0])}, ...)");

    private SecretSnapshot BuildSnapshot(SecretSnapshot snapshot)
    {
        var count = 0;
        foreach (var state in _declared.Concat(_selected.Values))
        {
            count++;
            foreach (var entry in state.Entries)
            {
                if (entry.Bytes is { } bytes)
                {
                    snapshot.Add(entry.Name, bytes);
                }
                else
                {
                    snapshot.Add(entry.Name, entry.Text);
                }
            }

            if (state.Failure is { } failure)
            {
                snapshot.AddFailure(state.Root, failure);
            }

            if (state.NextRotation is { } rotation)
            {
                snapshot.AddNextRotation(state.Name ?? state.Id, rotation);
            }
        }

        snapshot.Version = string.Create(CultureInfo.InvariantCulture, $"{count} secrets");
        return snapshot;
    }

    /// <summary>Updates the earliest rotation date; returns whether it moved.</summary>
    private bool UpdateNextRotation()
    {
        var next = _declared.Concat(_selected.Values).Select(static s => s.NextRotation).Where(static d => d is not null).Min();
        var ticks = next?.UtcTicks ?? long.MaxValue;
        return Interlocked.Exchange(ref _nextRotationTicks, ticks) != ticks;
    }
}
