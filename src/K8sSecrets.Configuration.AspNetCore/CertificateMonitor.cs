using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace K8sSecrets.Configuration.AspNetCore;

/// <summary>
/// Follows one configuration section holding a TLS Secret. On each configuration reload whose values
/// of the section changed, it builds and checks the new generation once and, if accepted, swaps it in
/// for every later handshake; a refused generation leaves the last good one in place and is reported
/// (log and health). A certificate not yet valid is taken when it becomes valid.
/// </summary>
internal sealed partial class CertificateMonitor : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly IDisposable _registration;
    private TlsMaterial? _current;
    private byte[]? _lastInput;
    private string? _refusal;
    private ITimer? _validFromTimer;
    private long _generations;
    private bool _disposed;

    public CertificateMonitor(IConfiguration configuration, string section, ILogger logger, TimeProvider time)
    {
        _configuration = configuration;
        Section = section;
        _logger = logger;
        _time = time;
        Refresh();
        _registration = ChangeToken.OnChange(configuration.GetReloadToken, Refresh);
    }

    /// <summary>Raised after a new generation is swapped in (on the thread that reloaded the configuration).</summary>
    public event Action<TlsMaterial>? Published;

    /// <summary>Gets the configuration section followed, for example <c>Tls</c>.</summary>
    public string Section { get; }

    /// <summary>Gets the generation new handshakes use, or <see langword="null"/> before one was accepted.</summary>
    public TlsMaterial? Current => Volatile.Read(ref _current);

    /// <summary>Gets why the section's latest values were refused, or <see langword="null"/> when they are the ones in use.</summary>
    public string? Refusal => Volatile.Read(ref _refusal);

    /// <summary>Gets the generation in use, or throws naming the section and the reason there is none.</summary>
    public TlsMaterial GetRequired()
        => Current ?? throw new InvalidOperationException(
            $"No TLS certificate from configuration section '{Section}': {Refusal ?? "nothing read yet"}. The section must hold a matching, currently valid '{Section}:tls.crt' and '{Section}:tls.key': mount the kubernetes.io/tls Secret there (for example FromVolume(path, v => v.Section = \"{Section}\")).");

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _validFromTimer?.Dispose();
            _validFromTimer = null;
        }

        _registration.Dispose();
    }

    /// <summary>Reads the section; builds a new generation only when its values changed since the last read.</summary>
    internal void Refresh() => Refresh(force: false);

    private void Refresh(bool force)
    {
        TlsMaterial? published = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var values = TlsMaterialReader.ReadValues(_configuration.GetSection(Section));
            var input = Fingerprint(values);
            if (!force && _lastInput is not null && input.AsSpan().SequenceEqual(_lastInput))
            {
                return;
            }

            _lastInput = input;
            _validFromTimer?.Dispose();
            _validFromTimer = null;
            var result = TlsMaterialReader.Read(Section, values, _time.GetUtcNow(), _generations + 1);
            if (result.Material is { } material)
            {
                _generations = material.Generation;
                Volatile.Write(ref _refusal, null);
                Volatile.Write(ref _current, material);
                published = material;
            }
            else
            {
                Volatile.Write(ref _refusal, result.Refusal);
                if (result.ValidFrom is { } validFrom)
                {
                    var wait = validFrom - _time.GetUtcNow();
                    if (wait < TimeSpan.FromDays(1))
                    {
                        _validFromTimer = _time.CreateTimer(static state => ((CertificateMonitor)state!).Refresh(force: true), this, wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
                    }
                }
            }
        }

        if (published is not null)
        {
            Log.Published(_logger, Section, published.Subject, published.Thumbprint, published.NotAfter, published.Intermediates.Count, published.Authorities?.Count ?? 0, published.Generation);
            Published?.Invoke(published);
        }
        else if (Refusal is { } reason)
        {
            var current = Current;
            if (current is null)
            {
                Log.RefusedNoneInUse(_logger, Section, reason);
            }
            else
            {
                Log.Refused(_logger, Section, reason, current.Subject, current.Thumbprint, current.NotAfter);
            }
        }
    }

    /// <summary>A digest of the section's values, so that a reload that did not touch them costs no parse (and no copy of the key is kept).</summary>
    private static byte[] Fingerprint((string? Certificate, string? Key, string? Authority) values)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var value in (ReadOnlySpan<string?>)[values.Certificate, values.Key, values.Authority])
        {
            hash.AppendData(BitConverter.GetBytes(value?.Length ?? -1));
            if (value is not null)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(value));
            }
        }

        return hash.GetHashAndReset();
    }
}
