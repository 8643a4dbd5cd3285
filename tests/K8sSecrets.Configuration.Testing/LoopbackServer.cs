using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Testing;

/// <summary>A Kestrel server on a free loopback port (real HTTP), answering every request with one handler; the base of the tests' fake stores.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private WebApplication _app = null!;
    private int _requests;

    private LoopbackServer()
    {
    }

    /// <summary>Gets the server's base address, for example <c>http://127.0.0.1:41234/</c> (or <c>https://</c>).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Gets how many requests reached the handler so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Starts a server on <c>127.0.0.1</c>, port 0, with no logging.</summary>
    /// <param name="handle">Answers every request.</param>
    /// <param name="listen">Adjusts the listener, for example to add TLS; may be null.</param>
    public static async Task<LoopbackServer> StartAsync(RequestDelegate handle, Action<ListenOptions>? listen = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => listen?.Invoke(l)));
        var server = new LoopbackServer();
        var app = builder.Build();
        app.Run(context =>
        {
            Interlocked.Increment(ref server._requests);
            return handle(context);
        });
        await app.StartAsync();
        server._app = app;
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>A listener callback for <see cref="StartAsync"/> that serves https with <paramref name="certificate"/> (and its key), sending <paramref name="chain"/> after it.</summary>
    public static Action<ListenOptions> Https(X509Certificate2 certificate, X509Certificate2Collection? chain = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            https.ServerCertificateChain = chain;
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
