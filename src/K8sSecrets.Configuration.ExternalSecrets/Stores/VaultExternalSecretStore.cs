using System.Text;
using System.Text.Json;
using K8sSecrets.Configuration.ExternalSecrets.Manifests;
using K8sSecrets.Configuration.Vault;

namespace K8sSecrets.Configuration.ExternalSecrets.Stores;

/// <summary>
/// The built-in translator of the <c>vault</c> provider and of legacy <c>backendType: vault</c>:
/// builds <see cref="VaultSecretOptions"/> and reuses the Vault source, which reads each stored secret
/// as one JSON entry (<see cref="VaultSecretOptions.RawFields"/>).
/// </summary>
internal sealed class VaultExternalSecretStore : IExternalSecretStore
{
    private static readonly Dictionary<string, string> s_unsupported = new(StringComparer.Ordinal)
    {
        ["tls"] = "client certificates from Secrets are not supported; mount them and set them with es.ConfigureVault(v => v.ClientCertificatePath = ...).",
        ["readYourWrites"] = "readYourWrites is not supported.",
        ["forwardInconsistent"] = "forwardInconsistent is not supported.",
        ["headers"] = "custom headers are not supported.",
    };

    private static readonly Dictionary<string, string> s_authUnsupported = new(StringComparer.Ordinal)
    {
        ["namespace"] = "a separate auth namespace is not supported; the store's namespace is used for login and reads.",
        ["ldap"] = "ldap auth is not supported; supported: kubernetes, appRole, tokenSecretRef.",
        ["jwt"] = "jwt auth is not supported; supported: kubernetes, appRole, tokenSecretRef.",
        ["cert"] = "cert auth is not supported; supported: kubernetes, appRole, tokenSecretRef.",
        ["iam"] = "iam auth is not supported; supported: kubernetes, appRole, tokenSecretRef.",
        ["userPass"] = "userPass auth is not supported; supported: kubernetes, appRole, tokenSecretRef.",
        ["gcp"] = "gcp auth is not supported; supported: kubernetes, appRole, tokenSecretRef.",
    };

    public string Provider => "vault";

    public ExternalSecretValueRules ValueRules => ExternalSecretValueRules.Vault;

    public Func<SecretSourceContext, SecretSource> Prepare(ExternalSecretStoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = new VaultSecretOptions
        {
            RawFields = true,
            PollInterval = request.RefreshInterval ?? SecretRetryPolicy.LongestWait,
            Optional = request.Options.Optional,
        };
        var node = request.ProviderNode;
        if (request.IsLegacy)
        {
            Legacy(request, node, options);
        }
        else
        {
            Eso(request, node, options);
        }

        request.Options.VaultSettings?.Invoke(options);
        if (options.Auth is null)
        {
            throw request.Invalid(
                "spec.vaultRole",
                "no Vault role: set spec.vaultRole or the DEFAULT_VAULT_ROLE environment variable, or choose an auth method with es.ConfigureVault(v => v.UseKubernetesAuth(...)).");
        }

        options.CheckSettings();
        return context => VaultSourceFactory.Create(options, context);
    }

    private static void Legacy(ExternalSecretStoreRequest request, ManifestNode spec, VaultSecretOptions options)
    {
        var kv = spec.OneOf("kvVersion", "2", ["1", "2"]);
        var role = spec.Text("vaultRole") ?? Environment.GetEnvironmentVariable("DEFAULT_VAULT_ROLE");
        var mount = spec.Text("vaultMountPoint") ?? Environment.GetEnvironmentVariable("DEFAULT_VAULT_MOUNT_POINT") ?? "kubernetes";
        if (!string.IsNullOrWhiteSpace(role))
        {
            options.UseKubernetesAuth(role, mount, request.Options.ServiceAccountTokenPath);
        }

        foreach (var reference in request.RemoteRefs)
        {
            if (reference.Version is not null)
            {
                throw request.Invalid(reference.FieldPath, "versions are not supported for backendType vault; the latest version is read.");
            }

            var key = reference.Key.Trim('/');
            if (kv == "2")
            {
                var data = key.IndexOf("/data/", StringComparison.Ordinal);
                if (data <= 0 || data + 6 >= key.Length)
                {
                    throw request.Invalid(reference.FieldPath + ".key", $"'{reference.Key}': with kvVersion 2 the key is the full API path, with /data/ after the mount (for example secret/data/my-secret).");
                }

                var kvMount = key[..data];
                options.Secret(kvMount + "/" + key[(data + 6)..], reference.Id).KvVersion(kvMount, 2);
            }
            else
            {
                var slash = key.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0)
                {
                    throw request.Invalid(reference.FieldPath + ".key", $"'{reference.Key}' is not a path below a mount (for example kv/my-secret).");
                }

                options.Secret(key, reference.Id).KvVersion(key[..slash], 1);
            }
        }
    }

    private static void Eso(ExternalSecretStoreRequest request, ManifestNode vault, VaultSecretOptions options)
    {
        vault.AllowOnly(["server", "path", "version", "namespace", "caBundle", "caProvider", "auth", "checkAndSet"], s_unsupported);
        var server = vault.RequiredText("server");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw vault.FailAt("server", $"'{server}' is not an http or https address.");
        }

        options.Address = address;
        options.Namespace = vault.Text("namespace") is { Length: > 0 } ns ? ns : null;
        var version = vault.OneOf("version", "v2", ["v1", "v2"]) == "v2" ? 2 : 1;
        if (vault.Text("caBundle") is { Length: > 0 } bundle)
        {
            try
            {
                options.CaCertificatePem = Encoding.UTF8.GetString(Convert.FromBase64String(bundle));
            }
            catch (FormatException)
            {
                throw vault.FailAt("caBundle", "is not base64 (the PEM bundle, base64-encoded).");
            }
        }

        if (vault.Child("caProvider") is { } caProvider)
        {
            caProvider.AllowOnly(["type", "name", "key", "namespace"]);
            caProvider.OneOf("type", "Secret", ["Secret", "ConfigMap"]);
            options.CaCertificatePath = request.ResolveFile(caProvider.Path, caProvider.Value, defaultKey: null);
        }

        Auth(request, vault.RequiredChild("auth"), options);

        var mount = vault.Text("path")?.Trim('/');
        foreach (var reference in request.RemoteRefs)
        {
            int? pinned = null;
            if (reference.Version is { } text)
            {
                if (version == 1)
                {
                    throw request.Invalid(reference.FieldPath + ".version", "a version needs a KV v2 store (spec.provider.vault.version v2).");
                }

                pinned = int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number > 0
                    ? number
                    : throw request.Invalid(reference.FieldPath + ".version", $"'{text}' is not a KV version number (1 or more).");
            }

            var (kvMount, rest) = Split(request, reference, mount, version);
            options.Secret(kvMount + "/" + rest, reference.Id, pinned).KvVersion(kvMount, version);
        }
    }

    /// <summary>The controller's path building: the store's mount, the key below it (a repeated mount and <c>data/</c> dropped).</summary>
    private static (string Mount, string Below) Split(ExternalSecretStoreRequest request, ExternalSecretRemoteRef reference, string? mount, int version)
    {
        var key = reference.Key.Trim('/');
        if (string.IsNullOrEmpty(mount))
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0)
            {
                throw request.Invalid(reference.FieldPath + ".key", $"'{reference.Key}': without spec.provider.vault.path the key must start with the mount (for example secret/my-secret).");
            }

            mount = key[..slash];
            key = key[(slash + 1)..];
        }
        else if (key.StartsWith(mount + "/", StringComparison.Ordinal))
        {
            key = key[(mount.Length + 1)..];
        }

        if (version == 2 && key.StartsWith("data/", StringComparison.Ordinal))
        {
            key = key[5..];
        }

        if (key.Length == 0)
        {
            throw request.Invalid(reference.FieldPath + ".key", $"'{reference.Key}' names the mount itself, not a secret.");
        }

        return (mount, key);
    }

    private static void Auth(ExternalSecretStoreRequest request, ManifestNode auth, VaultSecretOptions options)
    {
        auth.AllowOnly(["tokenSecretRef", "appRole", "kubernetes"], s_authUnsupported);
        var chosen = new[] { "tokenSecretRef", "appRole", "kubernetes" }.Where(f => auth.Child(f) is not null).ToList();
        if (chosen.Count != 1)
        {
            throw auth.Fail($"must choose exactly one auth method (kubernetes, appRole or tokenSecretRef); found {chosen.Count}.");
        }

        switch (chosen[0])
        {
            case "tokenSecretRef":
                var token = auth.RequiredChild("tokenSecretRef");
                options.UseTokenFile(request.ResolveFile(token.Path, token.Value, defaultKey: null));
                break;
            case "kubernetes":
                var kubernetes = auth.RequiredChild("kubernetes");
                kubernetes.AllowOnly(["mountPath", "role", "serviceAccountRef", "secretRef"]);
                var jwt = kubernetes.Child("secretRef") is { } secretRef
                    ? request.ResolveFile(secretRef.Path, secretRef.Value, defaultKey: "token")
                    : request.Options.ServiceAccountTokenPath;
                options.UseKubernetesAuth(kubernetes.RequiredText("role"), kubernetes.Text("mountPath") is { Length: > 0 } m ? m : "kubernetes", jwt);
                break;
            default:
                var appRole = auth.RequiredChild("appRole");
                appRole.AllowOnly(["path", "roleId", "roleRef", "secretRef"]);
                var roleId = appRole.Text("roleId") is { Length: > 0 } id
                    ? id
                    : appRole.Child("roleRef") is { } roleRef
                        ? ReadMounted(request, roleRef)
                        : throw appRole.Fail("needs roleId or roleRef.");
                var secretId = ReadMounted(request, appRole.RequiredChild("secretRef"));
                options.UseAppRole(roleId, secretId, wrapped: false, appRole.Text("path") is { Length: > 0 } p ? p : "approle");
                break;
        }
    }

    private static string ReadMounted(ExternalSecretStoreRequest request, ManifestNode selector)
    {
        var path = request.ResolveFile(selector.Path, selector.Value, defaultKey: null);
        try
        {
            return SecretFile.ReadTrimmed(path, "mounted file");
        }
        catch (SecretSourceException ex)
        {
            throw request.Invalid(selector.Path, ex.Message);
        }
    }
}
