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
        if (options.Auth is null && TokenAuth.FromEnvironment() is not { FromVariable: true })
        {
            // Left unset, the Vault source takes the token from VAULT_TOKEN, as the old controller did.
            throw request.Invalid(
                "spec.vaultRole",
                "no Vault role and no VAULT_TOKEN: set spec.vaultRole, the DEFAULT_VAULT_ROLE environment variable or the VAULT_TOKEN environment variable, or choose an auth method with es.ConfigureVault(v => v.UseKubernetesAuth(...)).");
        }

        options.CheckSettings();
        return context => VaultSourceFactory.Create(options, context);
    }

    private static void Legacy(ExternalSecretStoreRequest request, ManifestNode spec, VaultSecretOptions options)
    {
        var kv = spec.OneOf("kvVersion", "2", ["1", "2"]);
        // The old controller's client starts with VAULT_TOKEN (node-vault) and logs in with
        // vaultRole || DEFAULT_VAULT_ROLE at vaultMountPoint || DEFAULT_VAULT_MOUNT_POINT when it has
        // no token or the token fails. A source cannot fall back from a refused token to a login, so
        // a role, when there is one, is used from the start; without one, VAULT_TOKEN is (see Prepare).
        var role = FirstSet(spec.Text("vaultRole"), Environment.GetEnvironmentVariable("DEFAULT_VAULT_ROLE"));
        var authMount = FirstSet(spec.Text("vaultMountPoint"), Environment.GetEnvironmentVariable("DEFAULT_VAULT_MOUNT_POINT")) ?? "kubernetes";
        if (VaultPathRule.Problem(authMount.Trim('/')) is { } mountProblem)
        {
            throw request.Invalid("spec.vaultMountPoint", $"the auth mount '{authMount}' {mountProblem}.");
        }
        if (role is not null)
        {
            options.UseKubernetesAuth(role, authMount, request.Options.ServiceAccountTokenPath);
        }

        var reads = new List<(ExternalSecretRemoteRef Reference, int? Pinned, string Mount, string Below)>();
        foreach (var reference in request.RemoteRefs)
        {
            if (reference.Version is not null)
            {
                throw request.Invalid(reference.FieldPath, "versions are not supported for backendType vault; the latest version is read.");
            }

            // The old controller reads data[].key as the API path, as it is (node-vault's read(key)).
            var apiPath = reference.Key.Trim('/');
            if (VaultPathRule.Problem(apiPath) is { } problem)
            {
                throw request.Invalid(reference.FieldPath + ".key", $"'{reference.Key}' {problem}.");
            }

            var (mount, below) = VaultKeyPath.Split(null, kv == "2", apiPath)
                ?? throw request.Invalid(
                    reference.FieldPath + ".key",
                    kv == "2"
                        ? $"'{reference.Key}': with kvVersion 2 the key is the full API path, with /data/ after the mount (for example secret/data/my-secret)."
                        : $"'{reference.Key}' is not a path below a mount (for example kv/my-secret).");
            reads.Add((reference, null, mount, below));
        }

        AddReads(request, options, reads, kv == "2" ? 2 : 1);
    }

    /// <summary>JavaScript's <c>a || b</c> for strings: the first that is not empty.</summary>
    private static string? FirstSet(string? value, string? fallback)
        => !string.IsNullOrEmpty(value) ? value : !string.IsNullOrEmpty(fallback) ? fallback : null;

    private static void Eso(ExternalSecretStoreRequest request, ManifestNode vault, VaultSecretOptions options)
    {
        vault.AllowOnly(["server", "path", "version", "namespace", "caBundle", "caProvider", "auth", "checkAndSet"], s_unsupported);
        var server = vault.RequiredText("server");
        if (!Uri.TryCreate(server, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw vault.FailAt("server", $"{ManifestErrors.QuoteAddress(server)} is not an http or https address.");
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

        var storePath = vault.Text("path") is { Length: > 0 } p ? p.Trim('/') : null;
        var reads = new List<(ExternalSecretRemoteRef Reference, int? Pinned, string Mount, string Below)>();
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

            var apiPath = VaultKeyPath.Build(storePath, version == 2, reference.Key.Trim('/'));
            if (VaultPathRule.Problem(apiPath) is { } problem)
            {
                throw request.Invalid(reference.FieldPath + ".key", $"'{reference.Key}' gives the Vault path '{apiPath}', which {problem}.");
            }

            var (mount, below) = VaultKeyPath.Split(storePath, version == 2, apiPath)
                ?? throw request.Invalid(
                    reference.FieldPath + ".key",
                    storePath is null
                        ? $"'{reference.Key}' gives the Vault path '{apiPath}', which names no secret below a mount; without spec.provider.vault.path the key must start with the mount (for example secret/my-secret)."
                        : $"'{reference.Key}' gives the Vault path '{apiPath}', which names no secret below the mount '{storePath}'.");
            reads.Add((reference, pinned, mount, below));
        }

        AddReads(request, options, reads, version);
    }

    /// <summary>
    /// Declares each read with its mount's KV version. The Vault source finds a path's mount by the
    /// longest declared mount it starts with, so a read whose path starts with another read's longer
    /// mount would go to that mount: refused (Vault cannot nest one mount in another, so one key is wrong).
    /// </summary>
    private static void AddReads(ExternalSecretStoreRequest request, VaultSecretOptions options, List<(ExternalSecretRemoteRef Reference, int? Pinned, string Mount, string Below)> reads, int version)
    {
        foreach (var (reference, pinned, mount, below) in reads)
        {
            var path = mount + "/" + below;
            foreach (var other in reads)
            {
                if (other.Mount.Length > mount.Length && path.StartsWith(other.Mount + "/", StringComparison.Ordinal))
                {
                    throw request.Invalid(
                        reference.FieldPath + ".key",
                        $"'{reference.Key}' is read below the mount '{mount}', but {other.Reference.FieldPath}.key '{other.Reference.Key}' is read below the mount '{other.Mount}', inside it; Vault cannot have both mounts, so correct one of the keys.");
                }
            }

            options.Secret(path, reference.Id, pinned).KvVersion(mount, version);
        }
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
                options.UseKubernetesAuth(kubernetes.RequiredText("role"), AuthMount(kubernetes, "mountPath", "kubernetes"), jwt);
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
                options.UseAppRole(roleId, secretId, wrapped: false, AuthMount(appRole, "path", "approle"));
                break;
        }
    }

    /// <summary>An auth method's mount path (it goes into the login URL), checked by the Vault path rule.</summary>
    private static string AuthMount(ManifestNode method, string field, string fallback)
    {
        var mount = method.Text(field) is { Length: > 0 } m ? m : fallback;
        return VaultPathRule.Problem(mount.Trim('/')) is { } problem ? throw method.FailAt(field, $"'{mount}' {problem}.") : mount;
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
