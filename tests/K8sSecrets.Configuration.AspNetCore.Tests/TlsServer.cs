using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.AspNetCore.Tests;

/// <summary>
/// A real Kestrel on 127.0.0.1 (a free port) serving HTTPS with the certificate of the Secret volume
/// mounted at <c>Tls</c>, read by the library's volume source; optionally requiring client
/// certificates trusted against that Secret's ca.crt, and with a second volume (<c>ClientTls</c>)
/// for the app's own HttpClient named <c>payments</c>. Records every handshake.
/// </summary>
public sealed class TlsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsServer(WebApplication app, ConcurrentQueue<Handshake> handshakes)
    {
        _app = app;
        Handshakes = handshakes;
    }

    public ConcurrentQueue<Handshake> Handshakes { get; }

    public Uri Address => new(_app.Urls.First());

    public IServiceProvider Services => _app.Services;

    internal CertificateMonitor Monitor(string section) => Services.GetRequiredService<KubernetesSecretsCertificates>().Get(section);

    public static async Task<TlsServer> StartAsync(LogCapture logs, string serverVolume, string? clientVolume = null, bool requireClientCertificate = false)
    {
        var handshakes = new ConcurrentQueue<Handshake>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(logs.Factory);
        builder.Configuration.AddKubernetesSecrets(secrets =>
        {
            secrets.LoggerFactory = logs.Factory;
            secrets.FromVolume(serverVolume, v => v.Section = "Tls");
            if (clientVolume is not null)
            {
                secrets.FromVolume(clientVolume, v => v.Section = "ClientTls");
            }
        });
        builder.Services.AddKubernetesSecretsTls();
        builder.Services.AddHealthChecks().AddKubernetesSecretsTls();
        if (clientVolume is not null)
        {
            builder.Services.AddHttpClient("payments").UseKubernetesSecretsClientCertificate("ClientTls");
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.UseHttps(https =>
            {
                // Runs before the library's OnAuthenticate: a publish seen by now must be served.
                https.OnAuthenticate = (connection, _) => connection.Items["selected"] = Stopwatch.GetTimestamp();
                https.UseKubernetesSecretsCertificate(kestrel.ApplicationServices, "Tls");
                if (requireClientCertificate)
                {
                    https.RequireKubernetesSecretsClientCertificate(kestrel.ApplicationServices, "Tls");
                }
            });
            listen.Use(next => connection =>
            {
                var ssl = connection.Features.Get<System.Net.Security.SslStream>()!;
                handshakes.Enqueue(new Handshake(
                    (long)connection.Items["selected"]!,
                    Stopwatch.GetTimestamp(),
                    ((X509Certificate2)ssl.LocalCertificate!).Thumbprint,
                    (ssl.RemoteCertificate as X509Certificate2)?.Thumbprint));
                return next(connection);
            });
        }));
        var app = builder.Build();
        app.MapGet("/", (HttpContext context) => context.Connection.ClientCertificate?.Thumbprint ?? "none");
        await app.StartAsync();
        return new TlsServer(app, handshakes);
    }

    public Task<HealthReport> HealthAsync() => Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
