using System.Text.Json.Serialization;

namespace K8sSecrets.Configuration.Google.Http;

/// <summary>A <c>Secret</c> resource (ProtoJSON, lowerCamelCase); only the fields the source uses.</summary>
internal sealed class SecretResource
{
    public string? Name { get; set; }

    /// <summary>Gets or sets the RFC 3339 time the secret is deleted at, if it has one.</summary>
    public string? ExpireTime { get; set; }
}

/// <summary>The answer of <c>versions/{v}:access</c>.</summary>
internal sealed class AccessSecretVersionResponse
{
    public string? Name { get; set; }

    public SecretPayload? Payload { get; set; }
}

/// <summary>A payload: standard base64 bytes and their CRC32C as an int64 (a decimal string in ProtoJSON).</summary>
internal sealed class SecretPayload
{
    public string? Data { get; set; }

    public long? DataCrc32c { get; set; }
}

/// <summary>One page of <c>projects/{p}/secrets</c>.</summary>
internal sealed class ListSecretsResponse
{
    public List<SecretResource>? Secrets { get; set; }

    public string? NextPageToken { get; set; }
}

/// <summary>The <c>google.rpc.Status</c> error envelope; its <c>message</c> is deliberately not read.</summary>
internal sealed class ErrorEnvelope
{
    public RpcStatus? Error { get; set; }
}

/// <summary>The code and canonical status name of an error.</summary>
internal sealed class RpcStatus
{
    public int Code { get; set; }

    public string? Status { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(SecretResource))]
[JsonSerializable(typeof(AccessSecretVersionResponse))]
[JsonSerializable(typeof(ListSecretsResponse))]
[JsonSerializable(typeof(ErrorEnvelope))]
internal sealed partial class SecretManagerJsonContext : JsonSerializerContext;
