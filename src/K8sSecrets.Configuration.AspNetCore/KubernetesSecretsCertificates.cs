using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace K8sSecrets.Configuration.AspNetCore;

/// <summary>
/// The app's TLS sections, one <see cref="CertificateMonitor"/> per section name (case-insensitive, as
/// configuration keys are), shared by Kestrel, the HttpClient handlers and the health check. A
/// singleton of the service provider, which disposes it.
/// </summary>
internal sealed class KubernetesSecretsCertificates : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, CertificateMonitor> _monitors = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private bool _disposed;

    public KubernetesSecretsCertificates(IConfiguration configuration, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        _configuration = configuration;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _time = time ?? TimeProvider.System;
    }

    public TimeProvider Time => _time;

    /// <summary>Gets the monitors created so far.</summary>
    public IReadOnlyList<CertificateMonitor> Monitors
    {
        get
        {
            lock (_lock)
            {
                return [.. _monitors.Values];
            }
        }
    }

    /// <summary>Gets (creating on first use) the monitor of <paramref name="section"/>.</summary>
    public CertificateMonitor Get(string section)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_monitors.TryGetValue(section, out var monitor))
            {
                monitor = new CertificateMonitor(_configuration, section, _loggerFactory.CreateLogger("K8sSecrets.Configuration.AspNetCore.Tls"), _time);
                _monitors.Add(section, monitor);
            }

            return monitor;
        }
    }

    /// <summary>The registry of <paramref name="services"/>, or an error naming the registration to add.</summary>
    public static KubernetesSecretsCertificates From(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService<KubernetesSecretsCertificates>()
            ?? throw new InvalidOperationException("The Kubernetes Secrets TLS services are not registered: call builder.Services.AddKubernetesSecretsTls() before the app is built.");
    }

    public void Dispose()
    {
        CertificateMonitor[] monitors;
        lock (_lock)
        {
            _disposed = true;
            monitors = [.. _monitors.Values];
            _monitors.Clear();
        }

        foreach (var monitor in monitors)
        {
            monitor.Dispose();
        }
    }
}
