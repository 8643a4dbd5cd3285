using System.Net;

namespace K8sSecrets.Configuration.Vault.Http;

/// <summary>What Vault answered: the status, the parsed envelope when there was one, and any Retry-After.</summary>
internal sealed record VaultReply(HttpStatusCode Status, VaultEnvelope? Envelope, TimeSpan? RetryAfter)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}
