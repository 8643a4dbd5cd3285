using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Http;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>
/// The OAuth token endpoint a service account key's <c>token_uri</c> names: accepts the JWT-bearer
/// grant, verifies the RS256 assertion with the key's public half, and issues bearer tokens.
/// </summary>
public sealed class FakeOAuthTokenServer : IAsyncDisposable
{
    private readonly RSA _key;
    private readonly HashSet<string> _valid = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private LoopbackServer _server = null!;

    private FakeOAuthTokenServer(RSA key) => _key = key;

    public string TokenUri => new Uri(_server.Address, "/token").AbsoluteUri;

    public int Grants { get; private set; }

    public string? LastScope { get; private set; }

    public static async Task<FakeOAuthTokenServer> StartAsync(RSA key)
    {
        var server = new FakeOAuthTokenServer(key);
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

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != "/token" || context.Request.Method != "POST" || !context.Request.HasFormContentType)
        {
            context.Response.StatusCode = 404;
            return;
        }

        var form = await context.Request.ReadFormAsync();
        var parts = form["assertion"].ToString().Split('.');
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || parts.Length != 3
            || !_key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"error":"invalid_grant","error_description":"Invalid JWT Signature."}""");
            return;
        }

        using var claims = JsonDocument.Parse(FromBase64Url(parts[1]));
        string token;
        lock (_lock)
        {
            Grants++;
            LastScope = claims.RootElement.TryGetProperty("scope", out var scope) ? scope.GetString() : null;
            token = $"ya29.sa-SENTINEL-{Grants}";
            _valid.Add(token);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object> { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" }));
    }
}
