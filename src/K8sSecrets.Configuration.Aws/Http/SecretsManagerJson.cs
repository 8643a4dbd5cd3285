using System.Text.Json.Serialization;

namespace K8sSecrets.Configuration.Aws.Http;

// The awsJson1_1 shapes of the Secrets Manager API reference, member names verbatim (PascalCase).
// Only the members the source uses; unknown members are ignored.

/// <summary>A <c>Filter</c>: <c>Key</c> (here always <c>name</c>, a prefix match) and up to 10 values.</summary>
internal sealed record SecretsFilter(string Key, IReadOnlyList<string> Values);

/// <summary>Body of <c>BatchGetSecretValue</c>: <c>SecretIdList</c> (1–20) or <c>Filters</c>, never both.</summary>
internal sealed class BatchGetSecretValueRequest
{
    public IReadOnlyList<string>? SecretIdList { get; init; }

    public IReadOnlyList<SecretsFilter>? Filters { get; init; }

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}

/// <summary>Body of <c>ListSecrets</c>.</summary>
internal sealed class ListSecretsRequest
{
    public IReadOnlyList<SecretsFilter>? Filters { get; init; }

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}

/// <summary>Body of <c>GetSecretValue</c>: a pinned <c>VersionStage</c> or <c>VersionId</c>.</summary>
internal sealed class GetSecretValueRequest
{
    public required string SecretId { get; init; }

    public string? VersionId { get; init; }

    public string? VersionStage { get; init; }
}

/// <summary>One secret's value (<c>SecretValueEntry</c>, and the <c>GetSecretValue</c> response).</summary>
internal sealed class SecretValueEntry
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; set; }

    public string? Name { get; set; }

    public string? VersionId { get; set; }

    public string? SecretString { get; set; }

    /// <summary>Base64 text, decoded by the reader so that bad base64 fails one secret, not the batch.</summary>
    public string? SecretBinary { get; set; }
}

/// <summary>A per-secret error inside a 200 <c>BatchGetSecretValue</c> answer (<c>APIErrorType</c>).</summary>
internal sealed class SecretsApiError
{
    public string? SecretId { get; set; }

    public string? ErrorCode { get; set; }

    public string? Message { get; set; }
}

internal sealed class BatchGetSecretValueResponse
{
    public List<SecretValueEntry>? SecretValues { get; set; }

    public List<SecretsApiError>? Errors { get; set; }

    public string? NextToken { get; set; }
}

/// <summary>A <c>SecretListEntry</c>: no value, but the versions and the next rotation.</summary>
internal sealed class SecretListEntry
{
    [JsonPropertyName("ARN")]
    public string? Arn { get; set; }

    public string? Name { get; set; }

    /// <summary>Epoch seconds (a number, or a numeric string in some examples).</summary>
    public double? NextRotationDate { get; set; }

    public double? DeletedDate { get; set; }

    public Dictionary<string, List<string>>? SecretVersionsToStages { get; set; }
}

internal sealed class ListSecretsResponse
{
    public List<SecretListEntry>? SecretList { get; set; }

    public string? NextToken { get; set; }
}

/// <summary>An awsJson error body: <c>__type</c> plus <c>Message</c> (or <c>message</c>).</summary>
internal sealed class SecretsErrorBody
{
    [JsonPropertyName("__type")]
    public string? Type { get; set; }

    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BatchGetSecretValueRequest))]
[JsonSerializable(typeof(ListSecretsRequest))]
[JsonSerializable(typeof(GetSecretValueRequest))]
[JsonSerializable(typeof(BatchGetSecretValueResponse))]
[JsonSerializable(typeof(ListSecretsResponse))]
[JsonSerializable(typeof(SecretValueEntry))]
[JsonSerializable(typeof(SecretsErrorBody))]
internal sealed partial class SecretsManagerJsonContext : JsonSerializerContext;
