using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    /// <summary>The names of the last snapshot that failed, each with when it first failed; guarded by <c>_healthLock</c>.</summary>
    private Dictionary<string, FailingKey> _failingKeys = new(StringComparer.Ordinal);

    /// <summary>
    /// After a read that returned a snapshot: a name failing in it keeps the time it first failed, or
    /// starts failing now; a name that no longer fails has recovered. A read that returns
    /// <see cref="SecretLoadResult.Unchanged()"/> keeps them all. Called under <c>_healthLock</c>.
    /// </summary>
    /// <returns>The names that recovered, with when they started failing; or <see langword="null"/>.</returns>
    private List<KeyValuePair<string, DateTimeOffset>>? TrackFailingKeys(SecretSnapshot snapshot)
    {
        var failures = snapshot.Failures;
        if (failures.Count == 0 && _failingKeys.Count == 0)
        {
            return null;
        }

        var failing = new Dictionary<string, FailingKey>(failures.Count, StringComparer.Ordinal);
        foreach (var (name, reason) in failures)
        {
            if (failing.ContainsKey(name))
            {
                continue;
            }

            failing[name] = _failingKeys.TryGetValue(name, out var known)
                ? known with { Reason = reason }
                : new FailingKey(SnapshotMapper.ToKey(Source.Options, name), reason, _time.GetUtcNow(), _time.GetTimestamp());
        }

        List<KeyValuePair<string, DateTimeOffset>>? recovered = null;
        foreach (var (name, known) in _failingKeys)
        {
            if (!failing.ContainsKey(name))
            {
                (recovered ??= []).Add(new(name, known.Since));
            }
        }

        _failingKeys = failing;
        return recovered;
    }

    /// <summary>The failing keys for a health view, longest failing first. Called under <c>_healthLock</c>.</summary>
    private SecretKeyFailure[] FailingKeys()
    {
        if (_failingKeys.Count == 0)
        {
            return [];
        }

        var keys = _failingKeys
            .Select(p => new SecretKeyFailure(p.Key, p.Value.Key, p.Value.Reason, p.Value.Since, _time.GetElapsedTime(p.Value.SinceTimestamp)))
            .ToArray();
        Array.Sort(keys, static (a, b) => b.FailingFor.CompareTo(a.FailingFor) is var order and not 0 ? order : string.CompareOrdinal(a.Name, b.Name));
        return keys;
    }

    private void LogRecoveredKeys(List<KeyValuePair<string, DateTimeOffset>>? recovered)
    {
        foreach (var (name, since) in recovered ?? [])
        {
            Log.KeyRecovered(_logger, Source.Kind, Source.Name, name, since);
        }
    }

    private readonly record struct FailingKey(string? Key, string Reason, DateTimeOffset Since, long SinceTimestamp);

    private static partial class Log
    {
        [LoggerMessage(16, LogLevel.Information, "{Kind} '{Name}': '{SecretName}' no longer fails (it reads again, or is gone); it had failed every read since {Since:u}.", EventName = "KeyRecovered")]
        public static partial void KeyRecovered(ILogger logger, string kind, string name, string secretName, DateTimeOffset since);
    }
}
