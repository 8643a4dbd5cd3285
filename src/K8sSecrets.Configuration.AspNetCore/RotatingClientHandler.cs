using System.Net.Http;

namespace K8sSecrets.Configuration.AspNetCore;

/// <summary>
/// The primary handler of a client whose certificate follows a Secret: one <see cref="SocketsHttpHandler"/>
/// per accepted generation, holding that generation's certificate (with intermediates) and trust. A
/// request goes to the current generation's handler, so after a publish no request reuses a
/// connection of the old certificate; the old handler is disposed once its connections had
/// <see cref="KubernetesSecretsClientCertificateOptions.RetiredConnectionLifetime"/> to finish.
/// </summary>
internal sealed class RotatingClientHandler : HttpMessageHandler
{
    private readonly CertificateMonitor _monitor;
    private readonly KubernetesSecretsClientCertificateOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<(HttpMessageInvoker Invoker, ITimer? Timer)> _retired = [];
    private Generation? _current;
    private bool _disposed;

    public RotatingClientHandler(CertificateMonitor monitor, KubernetesSecretsClientCertificateOptions options, TimeProvider time)
    {
        _monitor = monitor;
        _options = options;
        _time = time;
    }

    /// <summary>Gets how many handlers were built (one per generation used): for tests.</summary>
    internal int HandlersBuilt { get; private set; }

    /// <summary>Gets how many superseded handlers are waiting out their retirement: for tests.</summary>
    internal int RetiredCount
    {
        get
        {
            lock (_lock)
            {
                return _retired.Count;
            }
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => Current().SendAsync(request, cancellationToken);

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        => Current().Send(request, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            List<HttpMessageInvoker> invokers;
            lock (_lock)
            {
                _disposed = true;
                invokers = [.. _retired.Select(r => r.Invoker)];
                foreach (var (_, timer) in _retired)
                {
                    timer?.Dispose();
                }

                _retired.Clear();
                if (_current is { } current)
                {
                    invokers.Add(current.Invoker);
                }

                _current = null;
            }

            foreach (var invoker in invokers)
            {
                invoker.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>The invoker of the current generation, built on first use after a publish.</summary>
    internal HttpMessageInvoker Current()
    {
        var material = _monitor.GetRequired();
        var current = Volatile.Read(ref _current);
        if (current is not null && ReferenceEquals(current.Material, material))
        {
            return current.Invoker;
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            current = _current;
            if (current is not null && ReferenceEquals(current.Material, material))
            {
                return current.Invoker;
            }

            if (current is not null)
            {
                Retire(current.Invoker);
            }

            var next = new Generation(material, new HttpMessageInvoker(Build(material), disposeHandler: true));
            HandlersBuilt++;
            Volatile.Write(ref _current, next);
            return next.Invoker;
        }
    }

    private SocketsHttpHandler Build(TlsMaterial material)
    {
        var handler = new SocketsHttpHandler();
        _options.ConfigureHandler?.Invoke(handler);
        handler.SslOptions.ClientCertificates = null;
        handler.SslOptions.LocalCertificateSelectionCallback = null;
        handler.SslOptions.ClientCertificateContext = material.Context;
        if (material.Authorities is not null)
        {
            // Only the Secret's CAs are trusted for the server; SslStream still checks the host name.
            handler.SslOptions.CertificateChainPolicy = material.CreateTrustPolicy(TlsMaterial.ServerAuthentication);
        }

        return handler;
    }

    /// <summary>Keeps the old handler for the retirement time, then disposes it (closing its connections). Called under the lock.</summary>
    private void Retire(HttpMessageInvoker invoker)
    {
        (HttpMessageInvoker, ITimer?) entry = (invoker, null);
        var timer = _time.CreateTimer(
            _ =>
            {
                lock (_lock)
                {
                    if (!_retired.Remove(entry))
                    {
                        return;
                    }
                }

                entry.Item2?.Dispose();
                invoker.Dispose();
            },
            null,
            _options.RetiredConnectionLifetime,
            Timeout.InfiniteTimeSpan);
        entry = (invoker, timer);
        _retired.Add(entry);
    }

    private sealed record Generation(TlsMaterial Material, HttpMessageInvoker Invoker);
}
