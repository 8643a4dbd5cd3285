using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    private const string CertificateMarker = "-----BEGIN CERTIFICATE-----";

    /// <summary>The Warning thresholds of an expiry: 7 days, then 1 day, before it.</summary>
    private static readonly TimeSpan FirstWarning = TimeSpan.FromDays(7);
    private static readonly TimeSpan LastWarning = TimeSpan.FromDays(1);

    /// <summary>The longest the loop sleeps before it looks at expiries again (timers have a range).</summary>
    private static readonly TimeSpan LongestExpiryWait = TimeSpan.FromDays(1);

    private SecretExpiry[] _sourceExpiries = [];
    private SecretExpiry[] _certificateExpiries = [];
    private SecretExpiry[] _expiries = [];
    private int _expiryLevel;

    /// <summary>Gets a value indicating whether the source is optional: a required one that cannot be read fails the build.</summary>
    public bool IsOptional => Source.Options.Optional;

    /// <summary>
    /// After a successful read that returned a snapshot: keep what the source reported with it, and,
    /// when the published data changed, find the <c>NotAfter</c> of the PEM certificates it holds.
    /// Called under the refresh lock.
    /// </summary>
    private void KeepExpiries(SecretSnapshot snapshot, bool dataChanged)
    {
        var reported = snapshot.Expiries;
        var fromSource = reported.Count == 0 ? [] : reported.ToArray();
        if (!dataChanged && _sourceExpiries.Length == 0 && fromSource.Length == 0)
        {
            return;
        }

        if (dataChanged)
        {
            _certificateExpiries = FindCertificates(_current);
        }

        _sourceExpiries = fromSource;
        SecretExpiry[] merged = _sourceExpiries.Length + _certificateExpiries.Length == 0 ? [] : [.. _sourceExpiries, .. _certificateExpiries];
        Array.Sort(merged, static (a, b) => a.At.CompareTo(b.At));
        lock (_healthLock)
        {
            _expiries = merged;
        }
    }

    /// <summary>When each published value that holds PEM certificates stops working, named by its key (see <see cref="CertificateExpiry"/>).</summary>
    private SecretExpiry[] FindCertificates(Dictionary<string, string?> data)
    {
        List<SecretExpiry>? found = null;
        foreach (var (key, value) in data)
        {
            if (value is null || !value.Contains(CertificateMarker, StringComparison.Ordinal))
            {
                continue;
            }

            var certificates = new X509Certificate2Collection();
            try
            {
                certificates.ImportFromPem(value);
                if (certificates.Count == 0)
                {
                    // The marker is there but no block decoded (the PEM reader skips a malformed one).
                    Log.CertificateUnreadable(_logger, Source.Kind, Source.Name, key);
                    continue;
                }

                (found ??= []).Add(new SecretExpiry(key, CertificateExpiry(key, certificates), SecretExpiryKind.Expires));
            }
            catch (CryptographicException)
            {
                // The value itself is never logged; only the key that holds it.
                Log.CertificateUnreadable(_logger, Source.Kind, Source.Name, key);
            }
            finally
            {
                foreach (var certificate in certificates)
                {
                    certificate.Dispose();
                }
            }
        }

        return found is null ? [] : [.. found];
    }

    /// <summary>
    /// When a value of certificates stops working. A chain (its first certificate is not a CA and, if
    /// more follow, the second issued it: <c>tls.crt</c>, a full chain) works until its first, the leaf,
    /// expires; what follows may hold an expired cross-signed root that no client needs. A bundle of CA
    /// certificates (<c>ca.crt</c>, <c>ca-bundle.crt</c>) works while any of them is valid, so it expires
    /// with the last one, and each that already expired is logged as a Warning naming its subject (a
    /// retired root left in the bundle). Anything else expires with its earliest certificate.
    /// </summary>
    private DateTimeOffset CertificateExpiry(string key, X509Certificate2Collection certificates)
    {
        var first = certificates[0];
        if (!IsAuthority(first, strict: true) && (certificates.Count == 1 || certificates[1].SubjectName.RawData.AsSpan().SequenceEqual(first.IssuerName.RawData)))
        {
            return NotAfter(first);
        }

        var bundle = certificates.All(static c => IsAuthority(c, strict: false));
        var earliest = DateTimeOffset.MaxValue;
        var last = DateTimeOffset.MinValue;
        var now = _time.GetUtcNow();
        foreach (var certificate in certificates)
        {
            var notAfter = NotAfter(certificate);
            earliest = notAfter < earliest ? notAfter : earliest;
            last = notAfter > last ? notAfter : last;
            if (bundle && notAfter <= now)
            {
                Log.BundleCertificateExpired(_logger, Source.Kind, Source.Name, key, certificate.Subject, notAfter);
            }
        }

        return bundle ? last : earliest;
    }

    /// <summary>
    /// Whether a certificate is a CA: its basic constraints say so; or, unless <paramref name="strict"/>,
    /// it has none and issued itself (an old v1 root, still found in some bundles).
    /// </summary>
    private static bool IsAuthority(X509Certificate2 certificate, bool strict)
        => certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { } constraints
            ? constraints.CertificateAuthority
            : !strict && certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    private static DateTimeOffset NotAfter(X509Certificate2 certificate) => new(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>
    /// Logs a Warning the first time the earliest expiry comes within 7 days, again within 1 day, and
    /// an Error once it has passed. A later expiry (after a rotation) lowers the level without a log.
    /// </summary>
    private void CheckExpiry()
    {
        SecretExpiry? earliest;
        TimeSpan left;
        int level;
        lock (_healthLock)
        {
            earliest = FirstExpiring(_expiries);
            left = earliest is null ? TimeSpan.MaxValue : earliest.At - _time.GetUtcNow();
            level = LevelOf(left);
            if (level <= _expiryLevel)
            {
                _expiryLevel = level;
                return;
            }

            _expiryLevel = level;
        }

        if (level == 3)
        {
            Log.Expired(_logger, Source.Kind, Source.Name, earliest!.Name, earliest.At);
        }
        else
        {
            Log.ExpiresSoon(_logger, Source.Kind, Source.Name, earliest!.Name, earliest.At, Math.Round(left.TotalHours, 1));
        }
    }

    /// <summary>The wait until the earliest expiry crosses its next threshold, or <see langword="null"/>.</summary>
    private TimeSpan? ExpiryDelay()
    {
        TimeSpan left;
        lock (_healthLock)
        {
            if (FirstExpiring(_expiries) is not { } earliest)
            {
                return null;
            }

            left = earliest.At - _time.GetUtcNow();
        }

        var wait = LevelOf(left) switch
        {
            0 => left - FirstWarning,
            1 => left - LastWarning,
            2 => left,
            _ => (TimeSpan?)null,
        };
        return wait is not { } w ? null
            : w < TimeSpan.Zero ? TimeSpan.Zero
            : w > LongestExpiryWait ? LongestExpiryWait
            : w;
    }

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The earliest of each kind, for the expiry gauge.</summary>
    internal (SecretExpiry? Expires, SecretExpiry? NextRotation) EarliestByKind()
    {
        lock (_healthLock)
        {
            return (FirstExpiring(_expiries), FirstOfKind(_expiries, SecretExpiryKind.NextRotation));
        }
    }

    private static int LevelOf(TimeSpan left)
        => left <= TimeSpan.Zero ? 3 : left <= LastWarning ? 2 : left <= FirstWarning ? 1 : 0;

    private static SecretExpiry? FirstExpiring(SecretExpiry[] expiries) => FirstOfKind(expiries, SecretExpiryKind.Expires);

    private static SecretExpiry? FirstOfKind(SecretExpiry[] expiries, SecretExpiryKind kind)
    {
        foreach (var expiry in expiries)
        {
            if (expiry.Kind == kind)
            {
                return expiry;
            }
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(12, LogLevel.Warning, "{Kind} '{Name}': '{SecretName}' expires at {ExpiresAt:u}, in {HoursLeft} hours; rotate it.", EventName = "ExpiresSoon")]
        public static partial void ExpiresSoon(ILogger logger, string kind, string name, string secretName, DateTimeOffset expiresAt, double hoursLeft);

        [LoggerMessage(13, LogLevel.Error, "{Kind} '{Name}': '{SecretName}' expired at {ExpiresAt:u} and is still published; rotate it.", EventName = "Expired")]
        public static partial void Expired(ILogger logger, string kind, string name, string secretName, DateTimeOffset expiresAt);

        [LoggerMessage(14, LogLevel.Warning, "{Kind} '{Name}': '{Key}' looks like a PEM certificate but could not be parsed; its expiry is not tracked.", EventName = "CertificateUnreadable")]
        public static partial void CertificateUnreadable(ILogger logger, string kind, string name, string key);

        [LoggerMessage(17, LogLevel.Warning, "{Kind} '{Name}': '{Key}' is a bundle of CA certificates, and '{Subject}' in it expired at {ExpiredAt:u}. The bundle is tracked until its last certificate expires; remove the expired one once it is retired.", EventName = "BundleCertificateExpired")]
        public static partial void BundleCertificateExpired(ILogger logger, string kind, string name, string key, string subject, DateTimeOffset expiredAt);
    }
}
