using Azure.Core;
using Azure.Identity;
using K8sSecrets.Configuration.Azure;
using K8sSecrets.Configuration.ExternalSecrets;
using K8sSecrets.Configuration.ExternalSecrets.Manifests;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.ExternalSecrets.Azure;

/// <summary>
/// The translator of the <c>azurekv</c> provider and of legacy <c>backendType: azureKeyVault</c>:
/// builds <see cref="AzureKeyVaultOptions"/> naming each referenced secret under its reference id
/// and reuses the Key Vault source. The pod's own identity signs in: AKS workload identity
/// (<c>authType: WorkloadIdentity</c>) or a managed identity (<c>ManagedIdentity</c>).
/// </summary>
internal sealed class AzureExternalSecretStore(Action<AzureKeyVaultOptions>? configure) : IExternalSecretStore
{
    private const string Supported = "supported: WorkloadIdentity (the pod's federated token, as the workload identity webhook mounts it) and ManagedIdentity";

    private static readonly Dictionary<string, string> s_unsupported = new(StringComparer.Ordinal)
    {
        ["authSecretRef"] = $"credentials from a Kubernetes Secret are not supported; {Supported}.",
        ["customCloudConfig"] = "custom clouds are not supported; set the credential and client options with es.UseAzureKeyVault(kv => ...).",
    };

    private static readonly Dictionary<string, Uri> s_clouds = new(StringComparer.Ordinal)
    {
        ["PublicCloud"] = AzureAuthorityHosts.AzurePublicCloud,
        ["USGovernmentCloud"] = AzureAuthorityHosts.AzureGovernment,
        ["ChinaCloud"] = AzureAuthorityHosts.AzureChina,
    };

    public string Provider => "azurekv";

    public ExternalSecretValueRules ValueRules => ExternalSecretValueRules.PathThenLiteral;

    public Func<SecretSourceContext, SecretSource> Prepare(ExternalSecretStoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new AzureKeyVaultOptions
        {
            PollInterval = request.RefreshInterval ?? SecretRetryPolicy.LongestWait,
            Optional = request.Options.Optional,
        };
        var node = request.ProviderNode;
        Func<TokenCredential>? credential = null;
        if (request.IsLegacy)
        {
            var name = node.RequiredText("keyVaultName");
            if (!KeyVaultNames.IsValid(name) || name.Length > 24)
            {
                throw node.FailAt("keyVaultName", $"'{name}' is not a Key Vault name (3 to 24 letters, digits and '-').");
            }

            options.VaultUri = new Uri($"https://{name}.vault.azure.net/"); // the identity: DefaultAzureCredential, as the old controller's environment gave it
        }
        else
        {
            credential = Eso(node, options);
        }

        Declare(request, options);
        configure?.Invoke(options);
        options.CheckSettings();
        return context =>
        {
            if (options.Client is null && options.Credential is null && credential is not null)
            {
                options.Credential = credential();
            }

            return AzureKeyVaultSecretsBuilderExtensions.CreateSource(options, context);
        };
    }

    /// <summary>Reads the store's block; returns how to make its credential (made when the source is built: it reads the environment).</summary>
    private static Func<TokenCredential> Eso(ManifestNode azure, AzureKeyVaultOptions options)
    {
        azure.AllowOnly(["vaultUrl", "authType", "tenantId", "environmentType", "serviceAccountRef", "identityId", "useAzureSDK"], s_unsupported);
        var url = azure.RequiredText("vaultUrl");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var vault) || vault.Scheme != Uri.UriSchemeHttps)
        {
            throw azure.FailAt("vaultUrl", $"{ManifestErrors.QuoteAddress(url)} is not an https address (for example https://payments-kv.vault.azure.net/).");
        }

        options.VaultUri = vault;
        var cloud = s_clouds[azure.OneOf("environmentType", "PublicCloud", [.. s_clouds.Keys])];
        var authType = azure.Text("authType") is { Length: > 0 } text ? text : "ServicePrincipal";
        var tenant = azure.Text("tenantId") is { Length: > 0 } t ? t : null;
        switch (authType)
        {
            case "WorkloadIdentity":
                if (azure.Child("identityId") is not null)
                {
                    throw azure.FailAt("identityId", "is used by ManagedIdentity; workload identity takes the client id from the pod's service account (AZURE_CLIENT_ID).");
                }

                // serviceAccountRef names the service account the controller would request a token for;
                // in-process the pod's own federated token is sent, so the pod must run as that account.
                return () => new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { TenantId = tenant, AuthorityHost = cloud });
            case "ManagedIdentity":
                if (azure.Child("serviceAccountRef") is not null)
                {
                    throw azure.FailAt("serviceAccountRef", "is used by WorkloadIdentity; a managed identity is the node's or the pod's, chosen with identityId.");
                }

                var identity = azure.Text("identityId") is { Length: > 0 } id ? id : null;
                return () => ManagedIdentity(identity, cloud);
            case "ServicePrincipal":
                throw azure.FailAt("authType", $"ServicePrincipal (the default) reads a client secret or certificate from a Kubernetes Secret, which is not supported; {Supported}. Set authType.");
            default:
                throw azure.FailAt("authType", $"'{authType}' is not supported; {Supported}.");
        }
    }

    private static ManagedIdentityCredential ManagedIdentity(string? identity, Uri cloud)
    {
        var id = identity switch
        {
            null => ManagedIdentityId.SystemAssigned,
            _ when identity.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) => ManagedIdentityId.FromUserAssignedResourceId(new ResourceIdentifier(identity)),
            _ => ManagedIdentityId.FromUserAssignedClientId(identity),
        };
        return new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(id) { AuthorityHost = cloud });
    }

    /// <summary>Names each referenced secret, its value published under the reference's id.</summary>
    private static void Declare(ExternalSecretStoreRequest request, AzureKeyVaultOptions options)
    {
        var seen = new Dictionary<string, ExternalSecretRemoteRef>(StringComparer.OrdinalIgnoreCase);
        foreach (var reference in request.RemoteRefs)
        {
            if (reference.Version is { Length: > 0 })
            {
                throw request.Invalid(reference.FieldPath + ".version", "versions are not supported for Azure Key Vault; the current version is read (and followed as it rotates).");
            }

            var name = reference.Key.StartsWith("secret/", StringComparison.Ordinal) ? reference.Key["secret/".Length..] : reference.Key;
            if (reference.Key.StartsWith("cert/", StringComparison.Ordinal) || reference.Key.StartsWith("key/", StringComparison.Ordinal))
            {
                throw request.Invalid(reference.FieldPath + ".key", $"'{reference.Key}': certificates and keys are not supported; supported: secrets ('name' or 'secret/name').");
            }

            if (!KeyVaultNames.IsValid(name))
            {
                throw request.Invalid(reference.FieldPath + ".key", $"'{reference.Key}' is not a Key Vault secret name (1 to 127 letters, digits and '-').");
            }

            if (seen.TryGetValue(name, out var other))
            {
                throw request.Invalid(reference.FieldPath + ".key", $"'{reference.Key}' and '{other.Key}' ({other.FieldPath}) name the same secret (Key Vault names ignore case); spell them the same.");
            }

            seen[name] = reference;
            options.Secret(name, reference.Id);
        }
    }
}
