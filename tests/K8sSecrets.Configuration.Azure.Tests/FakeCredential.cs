using System.Collections.Concurrent;
using Azure.Core;

namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>A <see cref="TokenCredential"/> that hands out one known token and records what it was asked for.</summary>
public sealed class FakeCredential : TokenCredential
{
    public const string Token = "eyJ0eXAiOiJKV1QifQ.SENTINEL-BEARER-TOKEN.sig";

    public ConcurrentQueue<TokenRequestContext> Requests { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Requests.Enqueue(requestContext);
        return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
