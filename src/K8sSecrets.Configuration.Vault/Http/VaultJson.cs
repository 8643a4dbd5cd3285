using System.Text.Json;
using System.Text.Json.Serialization;

namespace K8sSecrets.Configuration.Vault.Http;

/// <summary>The envelope every Vault API response uses; unknown fields are ignored.</summary>
internal sealed class VaultEnvelope
{
    public string? RequestId { get; set; }

    public string? LeaseId { get; set; }

    public bool Renewable { get; set; }

    public long LeaseDuration { get; set; }

    public JsonElement? Data { get; set; }

    public IReadOnlyList<string>? Warnings { get; set; }

    public VaultAuthInfo? Auth { get; set; }
}

/// <summary>The <c>auth</c> block of a login or token renewal.</summary>
internal sealed class VaultAuthInfo
{
    public string? ClientToken { get; set; }

    public long LeaseDuration { get; set; }

    public bool Renewable { get; set; }
}

/// <summary>Body of a Kubernetes auth login.</summary>
internal sealed record KubernetesLoginRequest(string Role, string Jwt);

/// <summary>Body of an AppRole login.</summary>
internal sealed record AppRoleLoginRequest(string RoleId, string SecretId);

/// <summary>Body of <c>auth/token/renew-self</c>.</summary>
internal sealed record TokenRenewRequest(string Increment);

/// <summary>Body of <c>sys/leases/renew</c>.</summary>
internal sealed record LeaseRenewRequest(string LeaseId, long Increment);

/// <summary>Body of <c>sys/leases/revoke</c>.</summary>
internal sealed record LeaseRevokeRequest(string LeaseId);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VaultEnvelope))]
[JsonSerializable(typeof(KubernetesLoginRequest))]
[JsonSerializable(typeof(AppRoleLoginRequest))]
[JsonSerializable(typeof(TokenRenewRequest))]
[JsonSerializable(typeof(LeaseRenewRequest))]
[JsonSerializable(typeof(LeaseRevokeRequest))]
internal sealed partial class VaultJsonContext : JsonSerializerContext;
