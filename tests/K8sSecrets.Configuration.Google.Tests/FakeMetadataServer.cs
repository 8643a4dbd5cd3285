using System.Text.Json;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Http;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>
/// The GCE/GKE metadata server's token and project endpoints on loopback: requests must carry
/// <c>Metadata-Flavor: Google</c>, answers carry it too, tokens are OAuth JSON. With Workload
/// Identity this is what a pod's Application Default Credentials talk to.
/// </summary>
public sealed class FakeMetadataServer : IAsyncDisposable
{
    public const string TokenPath = "/computeMetadata/v1/instance/service-accounts/default/token";

    private readonly Lock _lock = new();
    private readonly HashSet<string> _valid = new(StringComparer.Ordinal);
    private LoopbackServer _server = null!;
    private int _issued;

    private FakeMetadataServer()
    {
    }

    public Uri Address => _server.Address;

    public string ProjectId { get; set; } = "payments-prod";

    public int TokenRequests { get; private set; }

    public int RequestsWithoutFlavor { get; private set; }

    public string? LastScopes { get; private set; }

    public int ExpiresInSeconds { get; set; } = 3599;

    public string TokenUrl => new Uri(Address, TokenPath).AbsoluteUri;

    public static async Task<FakeMetadataServer> StartAsync()
    {
        var server = new FakeMetadataServer();
        server._server = await LoopbackServer.StartAsync(server.HandleAsync);
        return server;
    }

    public bool IsValid(string token)
    {
        lock (_lock)
        {
            return _valid.Contains(token);
        }
    }

    /// <summary>Makes every token issued so far invalid (as if it expired early or was revoked).</summary>
    public void RevokeAll()
    {
        lock (_lock)
        {
            _valid.Clear();
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Headers["Metadata-Flavor"] != "Google")
        {
            RequestsWithoutFlavor++;
            context.Response.StatusCode = 403;
            return;
        }

        context.Response.Headers["Metadata-Flavor"] = "Google";
        switch (context.Request.Path.Value)
        {
            case TokenPath:
                string token;
                lock (_lock)
                {
                    TokenRequests++;
                    LastScopes = context.Request.Query["scopes"];
                    token = $"ya29.SENTINEL-TOKEN-{++_issued}";
                    _valid.Add(token);
                }

                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["access_token"] = token,
                    ["expires_in"] = ExpiresInSeconds,
                    ["token_type"] = "Bearer",
                }));
                return;
            case "/computeMetadata/v1/project/project-id":
                context.Response.ContentType = "application/text";
                await context.Response.WriteAsync(ProjectId);
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }
}
