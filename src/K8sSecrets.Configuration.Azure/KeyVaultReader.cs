using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Azure;

/// <summary>
/// The Key Vault store logic behind <see cref="AzureKeyVaultSecretSource"/>: lists the secrets'
/// properties, fetches (with bounded parallelism) only the values whose version or update time
/// changed, drops the secrets that went away, and keeps each secret's last good value when only
/// its own read fails.
/// </summary>
internal sealed partial class KeyVaultReader
{
    private readonly SecretClient _client;
    private readonly AzureKeyVaultOptions _options;
    private readonly TimeProvider _time;
    private readonly SecretRetryPolicy _retry;
    private readonly ILogger _logger;
    private readonly Dictionary<string, KeyVaultSecretState> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _skipped = new(StringComparer.OrdinalIgnoreCase);
    private bool _loaded;
    private bool _hadFailures;

    /// <summary>
    /// The listing of a first load that the vault throttled while its values were being fetched. The retry
    /// fetches the values still missing against it instead of listing again: each list page is a transaction of
    /// the vault's limit, and in a rollout meeting that limit every pod retries several times.
    /// </summary>
    private List<SecretProperties>? _throttledListing;

    public KeyVaultReader(SecretClient client, AzureKeyVaultOptions options, SecretSourceContext context, ILogger logger)
    {
        _client = client;
        _options = options;
        _time = context.TimeProvider;
        _retry = context.Retry;
        _logger = logger;
        Vault = client.VaultUri.GetLeftPart(UriPartial.Authority) + "/";
    }

    /// <summary>Gets the vault's address, as used in messages.</summary>
    public string Vault { get; }

    /// <summary>Gets the earliest <c>ExpiresOn</c> of the published secrets, or <see langword="null"/> when none expires.</summary>
    public DateTimeOffset? EarliestExpiry { get; private set; }

    /// <summary>
    /// Reads the vault. A throttled vault fails the read with its <c>Retry-After</c>; at start-up the engine
    /// waits it out within <see cref="KubernetesSecretsBuilder.StartupTimeout"/> instead of failing the build.
    /// </summary>
    /// <param name="readAll">Return a full snapshot even if nothing changed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The snapshot, or <see langword="null"/> when nothing changed.</returns>
    public async Task<SecretSnapshot?> ReadAsync(bool readAll, CancellationToken cancellationToken)
    {
        var strict = !_loaded && !_options.Optional;
        var kept = _throttledListing;
        _throttledListing = null;
        var listed = kept ?? await ListAsync(cancellationToken).ConfigureAwait(false);
        var wanted = Select(listed, strict);
        var changed = false;
        foreach (var name in _secrets.Keys.Where(n => !wanted.ContainsKey(n)).ToList())
        {
            _secrets.Remove(name);
            Log.SecretDropped(_logger, Vault, name);
            changed = true;
        }

        var due = wanted.Values.Where(w => !_secrets.TryGetValue(w.Name, out var state) || state.Stamp != w.Stamp).ToList();
        var failures = new List<KeyValuePair<string, string>>();
        if (due.Count > 0)
        {
            try
            {
                changed |= await FetchAsync(due, strict, failures, cancellationToken).ConfigureAwait(false);
            }
            catch (SecretSourceException e) when (e.IsThrottled && !_loaded)
            {
                // The values fetched so far are kept (FetchAsync stored them); so is the listing, for the retry.
                _throttledListing = listed;
                throw;
            }
            catch (SecretSourceException) when (kept is not null)
            {
                // Against a kept listing a failure may be its staleness (a secret disabled since): list again.
                return await ReadAsync(readAll || changed, cancellationToken).ConfigureAwait(false);
            }

            if (kept is not null && due.Any(w => !_secrets.TryGetValue(w.Name, out var state) || state.Updated != w.UpdatedOn))
            {
                // The vault was written since the kept listing (a value answered with another update time, or went):
                // the values fetched before the throttle may predate those fetched now, a half-rotated set. A fresh
                // listing names what moved, and a named secret that went fails the first load as missing.
                return await ReadAsync(readAll || changed, cancellationToken).ConfigureAwait(false);
            }
        }

        _loaded = true;
        EarliestExpiry = _secrets.Values.Min(s => s.ExpiresOn);
        var hadFailures = _hadFailures;
        _hadFailures = failures.Count > 0;
        return readAll || changed || failures.Count > 0 || hadFailures ? BuildSnapshot(failures) : null;
    }

    private async Task<List<SecretProperties>> ListAsync(CancellationToken cancellationToken)
    {
        var listed = new List<SecretProperties>();
        try
        {
            await foreach (var properties in _client.GetPropertiesOfSecretsAsync(cancellationToken).ConfigureAwait(false))
            {
                listed.Add(properties);
            }
        }
        catch (RequestFailedException e) when (KeyVaultErrors.IsThrottled(e))
        {
            throw Throttled(e);
        }
        catch (RequestFailedException e) when (e.Status != 0)
        {
            throw e.Status switch
            {
                403 => new SecretSourceException($"Azure Key Vault {Vault} denied listing its secrets ({KeyVaultErrors.Describe(e)}). {KeyVaultErrors.Role}") { IsTransient = false },
                401 => new SecretSourceException($"Azure Key Vault {Vault} rejected the token ({KeyVaultErrors.Describe(e)}) while listing secrets. Check that the identity belongs to the vault's tenant.") { IsTransient = false },
                404 => new SecretSourceException($"Azure Key Vault {Vault} answered {KeyVaultErrors.Describe(e)} to a list of its secrets. Check VaultUri: https://<vault name>.vault.azure.net/.") { IsTransient = false },
                _ => new SecretSourceException($"Azure Key Vault {Vault} answered {KeyVaultErrors.Describe(e)} to a list of its secrets; the last good values stay."),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw KeyVaultErrors.Other(Vault, "listing secrets", e);
        }

        return listed;
    }

    private Dictionary<string, Wanted> Select(List<SecretProperties> listed, bool strict)
    {
        var now = _time.GetUtcNow();
        var named = _options.Secrets;
        var wanted = new Dictionary<string, Wanted>(StringComparer.OrdinalIgnoreCase);
        var skipped = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var properties in listed)
        {
            var name = properties.Name;
            string? key = null;
            if (string.IsNullOrEmpty(name)
                || (named.Count > 0 && !named.TryGetValue(name, out key))
                || (named.Count == 0 && _options.Prefix is { Length: > 0 } prefix && !name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var snapshotName = KeyVaultNames.IsValid(name) ? KeyVaultNames.ToSnapshotName(name, _options.Prefix, key) : null;
            var skip = snapshotName is null ? "its name gives no configuration key"
                : properties.Enabled != true ? "it is disabled"
                : properties.ExpiresOn is { } expires && expires <= now ? $"it expired at {expires.ToString("O", CultureInfo.InvariantCulture)}"
                : properties.NotBefore is { } notBefore && notBefore > now ? $"it is not valid before {notBefore.ToString("O", CultureInfo.InvariantCulture)}"
                : null;
            if (skip is not null)
            {
                skipped.Add(name);
                if (!_skipped.TryGetValue(name, out var previous) || previous != skip)
                {
                    _skipped[name] = skip;
                    Log.SecretSkipped(_logger, Vault, name, skip);
                }

                continue;
            }

            wanted[name] = new Wanted(name, snapshotName!, properties.Version, properties.UpdatedOn, properties.ExpiresOn, properties.ContentType, Stamp(properties), IsRacy(properties, now));
        }

        foreach (var name in _skipped.Keys.Where(n => !skipped.Contains(n)).ToList())
        {
            _skipped.Remove(name);
        }

        if (strict)
        {
            var present = listed.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (named.Keys.FirstOrDefault(n => !present.Contains(n)) is { } missing)
            {
                throw new SecretSourceException(
                    $"Azure Key Vault {Vault} has no secret '{missing}'. Check the name given to Secret(\"{missing}\"), or create the secret.")
                { IsTransient = false };
            }
        }

        return wanted;
    }

    /// <returns>Whether any published value changed.</returns>
    private async Task<bool> FetchAsync(List<Wanted> due, bool strict, List<KeyValuePair<string, string>> failures, CancellationToken cancellationToken)
    {
        var fetched = new ConcurrentDictionary<string, KeyVaultSecretState>(StringComparer.OrdinalIgnoreCase);
        var gone = new ConcurrentBag<string>();
        var failed = new ConcurrentBag<(Wanted Secret, SecretSourceException Error)>();
        var throttled = new ConcurrentBag<RequestFailedException>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = stop.Token };
        try
        {
            await Parallel.ForEachAsync(due, parallel, async (secret, token) =>
            {
                try
                {
                    var response = await _client.GetSecretAsync(secret.Name, secret.Version, token).ConfigureAwait(false);
                    fetched[secret.Name] = ToState(secret, response.Value);
                }
                catch (RequestFailedException e) when (KeyVaultErrors.IsThrottled(e))
                {
                    // The whole vault is throttled: more requests now would only make it worse.
                    throttled.Add(e);
                    await stop.CancelAsync().ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    gone.Add(secret.Name);
                }
                catch (SecretSourceException e)
                {
                    failed.Add((secret, e));
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    failed.Add((secret, Describe(secret, e)));
                    if (strict)
                    {
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Stopped early by a throttled answer or, at start-up, by a failure; both are thrown below.
        }

        var changed = false;
        foreach (var (name, state) in fetched)
        {
            changed |= !_secrets.TryGetValue(name, out var old) || !SameEntries(old.Entries, state.Entries);
            _secrets[name] = state;
        }

        foreach (var name in gone)
        {
            changed |= _secrets.Remove(name);
        }

        if (!throttled.IsEmpty)
        {
            throw Throttled(throttled.OrderByDescending(e => KeyVaultErrors.RetryAfter(e, _time) ?? TimeSpan.Zero).First());
        }

        var ordered = failed.OrderBy(f => f.Secret.Name, StringComparer.OrdinalIgnoreCase).ToList();
        if (strict && ordered.Count > 0)
        {
            throw ordered[0].Error;
        }

        foreach (var (secret, error) in ordered)
        {
            failures.Add(new(secret.SnapshotName, error.Message));
        }

        return changed;
    }

    private KeyVaultSecretState ToState(Wanted secret, KeyVaultSecret value)
    {
        // Identity is exact: an answer naming another secret (or another version of a pinned one) is not this secret's value.
        if (!string.Equals(value.Name, secret.Name, StringComparison.OrdinalIgnoreCase)
            || (secret.Version is { } version && !string.Equals(value.Properties.Version, version, StringComparison.OrdinalIgnoreCase)))
        {
            throw new SecretSourceException($"Azure Key Vault {Vault} answered a read of secret '{secret.Name}' with another secret or version; its last good value stays.") { IsTransient = true };
        }

        var text = value.Value ?? string.Empty;
        if (text.Length > SecretSnapshot.MaxValueBytes)
        {
            throw new SecretSourceException($"Secret '{secret.Name}' in Azure Key Vault {Vault} is {text.Length} characters, over the 1 MiB limit.");
        }

        List<KeyValuePair<string, string?>> entries;
        if (_options.JsonSecrets.Contains(secret.Name) && KeyVaultNames.IsJsonContentType(value.Properties.ContentType ?? secret.ContentType))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new SecretSourceException(
                        $"Secret '{secret.Name}' in Azure Key Vault {Vault} has content type application/json but holds a JSON {document.RootElement.ValueKind}, not an object; the last good value stays.");
                }

                entries = Flatten(secret, document.RootElement);
            }
            catch (JsonException e)
            {
                // The exception's message may quote the value: only its position is used.
                throw new SecretSourceException(
                    $"Secret '{secret.Name}' in Azure Key Vault {Vault} has content type application/json but is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}); the last good value stays.");
            }
        }
        else
        {
            entries = [new(secret.SnapshotName, text)];
        }

        // A value fetched within the second of its listed update time may be older than a second write in that
        // same second, which would list with the same stamp: its stamp is not trusted, so the next read fetches it again.
        return new KeyVaultSecretState(secret.Racy ? secret.Stamp + "|racy" : secret.Stamp, value.Properties.UpdatedOn, secret.ExpiresOn, entries);
    }

    /// <summary>Flattens a JSON secret; one past the flattener's budget fails naming the secret.</summary>
    private List<KeyValuePair<string, string?>> Flatten(Wanted secret, JsonElement root)
    {
        try
        {
            return SecretJson.Flatten(root, secret.SnapshotName);
        }
        catch (SecretSourceException e)
        {
            throw new SecretSourceException($"Secret '{secret.Name}' in Azure Key Vault {Vault}: {e.Message} The last good value stays.") { IsTransient = false };
        }
    }

    private SecretSourceException Describe(Wanted secret, Exception error) => error switch
    {
        RequestFailedException { Status: 403 } e => new SecretSourceException(
            $"Azure Key Vault {Vault} denied reading secret '{secret.Name}' ({KeyVaultErrors.Describe(e)}). {KeyVaultErrors.Role}")
        { IsTransient = false },
        RequestFailedException { Status: 401 } e => new SecretSourceException(
            $"Azure Key Vault {Vault} rejected the token ({KeyVaultErrors.Describe(e)}) while reading secret '{secret.Name}'. Check that the identity belongs to the vault's tenant.")
        { IsTransient = false },
        RequestFailedException { Status: not 0 } e => new SecretSourceException(
            $"Azure Key Vault {Vault} answered {KeyVaultErrors.Describe(e)} to a read of secret '{secret.Name}'; its last good value stays."),
        _ => KeyVaultErrors.Other(Vault, $"reading secret '{secret.Name}'", error),
    };

    private SecretSourceException Throttled(RequestFailedException error)
    {
        var wait = KeyVaultErrors.RetryAfter(error, _time);
        var after = wait is not { } asked ? string.Empty
            : _retry.CapRetryAfter(asked) is var honoured && honoured < asked
                ? $"; it asked for {Seconds(asked)} s, the next read waits {Seconds(honoured)} s (MaxRetryAfter)"
                : $"; the next read waits the {Seconds(asked)} s it asked for";
        return new SecretSourceException($"Azure Key Vault {Vault} is throttling requests ({KeyVaultErrors.Describe(error)}){after}. The last good values stay.")
        {
            IsThrottled = true,
            RetryAfter = wait,
        };
    }

    private SecretSnapshot BuildSnapshot(List<KeyValuePair<string, string>> failures)
    {
        var snapshot = new SecretSnapshot(_options);
        foreach (var (secret, state) in _secrets.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase))
        {
            foreach (var (name, value) in state.Entries)
            {
                snapshot.Add(name, value);
            }

            if (state.ExpiresOn is { } expiresOn)
            {
                snapshot.AddExpiry(secret, expiresOn);
            }
        }

        foreach (var (name, reason) in failures)
        {
            snapshot.AddFailure(name, reason);
        }

        snapshot.Version = $"{_secrets.Count} secrets";
        return snapshot;
    }

    private static string Seconds(TimeSpan wait) => wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Stamp(SecretProperties properties)
        => string.Join('|', properties.Version, properties.UpdatedOn?.ToUnixTimeMilliseconds(), properties.ContentType);

    /// <summary>
    /// Whether a secret was listed within the second of its update time. Key Vault lists no version and
    /// stamps updates in whole seconds, so two writes in one second list alike: a value fetched between
    /// them would look current for ever ("racily clean"). Measured on the source's clock; a clock behind
    /// the vault's only makes the check hold longer (one more GET per read until it catches up).
    /// </summary>
    private static bool IsRacy(SecretProperties properties, DateTimeOffset now)
        => properties.UpdatedOn is { } updated && now < updated + TimeSpan.FromSeconds(1);

    private static bool SameEntries(List<KeyValuePair<string, string?>> left, List<KeyValuePair<string, string?>> right)
        => left.Count == right.Count
            && left.Zip(right).All(p => string.Equals(p.First.Key, p.Second.Key, StringComparison.Ordinal)
                && string.Equals(p.First.Value, p.Second.Value, StringComparison.Ordinal));

    private sealed record Wanted(string Name, string SnapshotName, string? Version, DateTimeOffset? UpdatedOn, DateTimeOffset? ExpiresOn, string? ContentType, string Stamp, bool Racy);
}
