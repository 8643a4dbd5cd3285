using System.Text.Json;
using K8sSecrets.Configuration.ExternalSecrets.Manifests;

namespace K8sSecrets.Configuration.ExternalSecrets;

/// <summary>
/// An ExternalSecret checked when <c>FromExternalSecret</c> is called: its manifest read, its store
/// found and translated. Every build creates a fresh source from it.
/// </summary>
internal sealed class ExternalSecretDeclaration
{
    private const string EsoGroup = "external-secrets.io/";
    private static readonly string[] s_esoVersions = ["external-secrets.io/v1", "external-secrets.io/v1beta1"];
    private const string LegacyVersion = "kubernetes-client.io/v1";

    private static readonly Dictionary<string, string> s_knownProviders = new(StringComparer.Ordinal)
    {
        ["aws"] = "K8sSecrets.Configuration.ExternalSecrets.Aws package: reference it and call es.UseAws() in FromExternalSecret's configure",
        ["azurekv"] = "K8sSecrets.Configuration.ExternalSecrets.Azure package: reference it and call es.UseAzureKeyVault() in FromExternalSecret's configure",
        ["gcpsm"] = "K8sSecrets.Configuration.ExternalSecrets.Google package: reference it and call es.UseGoogleSecretManager() in FromExternalSecret's configure",
    };

    private readonly ExternalSecretOptions _options;
    private readonly ExternalSecretPlan _plan;
    private readonly Func<SecretSourceContext, SecretSource> _store;

    private ExternalSecretDeclaration(ExternalSecretOptions options, ExternalSecretPlan plan, Func<SecretSourceContext, SecretSource> store)
    {
        _options = options;
        _plan = plan;
        _store = store;
    }

    public static ExternalSecretDeclaration Prepare(string path, ExternalSecretOptions options)
    {
        var documents = YamlDocuments.Load(path);
        var storeDocuments = options.StorePath is { } storePath ? YamlDocuments.Load(storePath) : [];
        foreach (var each in documents.Concat(storeDocuments))
        {
            CheckKind(each);
        }

        var document = PickExternalSecret(path, documents, options.Name);
        var parsed = document.ApiVersion == LegacyVersion
            ? LegacyManifestReader.Read(document, options.RefreshInterval)
            : EsoManifestReader.Read(document, options.RefreshInterval);

        ExternalSecretStoreRequest request;
        string provider;
        if (parsed.StoreKind is null)
        {
            provider = parsed.Provider!;
            var spec = document.Node.RequiredChild("spec");
            request = new ExternalSecretStoreRequest(document.Where, "spec", spec.Value, legacy: true, parsed.Plan.Refs, parsed.Plan.RefreshInterval, options);
        }
        else
        {
            var store = FindStore(document, parsed, documents.Concat(storeDocuments), options.StorePath);
            var spec = store.Node.RequiredChild("spec");
            spec.AllowOnly(["provider", "controller", "retrySettings", "refreshInterval", "conditions"]);
            var providers = spec.RequiredChild("provider");
            providers.ExpectMapping();
            var set = providers.Value.EnumerateObject().Where(static p => p.Value.ValueKind != JsonValueKind.Null).ToList();
            if (set.Count != 1)
            {
                throw providers.Fail($"must name exactly one provider; found {set.Count}.");
            }

            provider = set[0].Name;
            request = new ExternalSecretStoreRequest(store.Where, "spec.provider." + provider, set[0].Value, legacy: false, parsed.Plan.Refs, parsed.Plan.RefreshInterval, options);
        }

        if (!options.Stores.TryGetValue(provider, out var translator))
        {
            var field = parsed.StoreKind is null ? "spec.backendType" : request.ProviderPath;
            throw s_knownProviders.TryGetValue(provider, out var package)
                ? request.Invalid(field, $"provider {provider} needs the {package}.")
                : request.Invalid(field, $"provider '{provider}' is not supported; supported: {string.Join(", ", options.Stores.Keys.Concat(s_knownProviders.Keys).Distinct())}.");
        }

        var factory = translator.Prepare(request) ?? throw new InvalidOperationException($"The store translator for '{provider}' returned no factory.");
        parsed.Plan.Rules = translator.ValueRules;
        return new ExternalSecretDeclaration(options, parsed.Plan, factory);
    }

    public SecretSource Create(SecretSourceContext context)
    {
        var store = _store(context);
        return new ExternalSecretSource(_options, _plan, store, context);
    }

    private static void CheckKind(ManifestDocument document)
    {
        var api = document.ApiVersion;
        var kind = document.Kind;
        if (api is null || kind is null)
        {
            throw ManifestErrors.File(document.Where, "the document has no apiVersion or kind.");
        }

        if (api == LegacyVersion && kind == "ExternalSecret")
        {
            return;
        }

        if (api.StartsWith(EsoGroup, StringComparison.Ordinal))
        {
            if (Array.IndexOf(s_esoVersions, api) < 0)
            {
                throw ManifestErrors.Invalid(document.Where, "apiVersion", $"'{api}' is not supported; supported: {string.Join(", ", s_esoVersions)}, {LegacyVersion}.");
            }

            switch (kind)
            {
                case "ExternalSecret" or "SecretStore" or "ClusterSecretStore":
                    return;
                case "PushSecret" or "ClusterPushSecret":
                    throw ManifestErrors.Invalid(document.Where, "kind", $"{kind} writes to a store; FromExternalSecret only reads (ExternalSecret, SecretStore, ClusterSecretStore).");
                case "ClusterExternalSecret":
                    throw ManifestErrors.Invalid(document.Where, "kind", "ClusterExternalSecret stamps ExternalSecrets into namespaces; give FromExternalSecret the ExternalSecret itself (its spec.externalSecretSpec).");
            }
        }

        if (api.StartsWith("generators.external-secrets.io/", StringComparison.Ordinal))
        {
            throw ManifestErrors.Invalid(document.Where, "kind", $"{kind} is a generator; generators are not supported.");
        }

        throw ManifestErrors.Invalid(
            document.Where,
            "kind",
            $"{api} {kind} is not supported; the file may hold ExternalSecret, SecretStore and ClusterSecretStore ({string.Join(", ", s_esoVersions)}) and legacy {LegacyVersion} ExternalSecret documents.");
    }

    private static ManifestDocument PickExternalSecret(string path, List<ManifestDocument> documents, string? name)
    {
        var candidates = documents.Where(static d => d.Kind == "ExternalSecret").ToList();
        if (name is not null)
        {
            candidates = candidates.Where(d => d.Name == name).ToList();
        }

        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw ManifestErrors.File($"'{path}'", name is null ? "the file holds no ExternalSecret." : $"the file holds no ExternalSecret named '{name}'."),
            _ => throw ManifestErrors.File($"'{path}'", $"the file holds {candidates.Count} ExternalSecrets{(name is null ? string.Empty : $" named '{name}'")}; pick one with es.Name (their names: {string.Join(", ", candidates.Select(static c => c.Name))})."),
        };
    }

    private static ManifestDocument FindStore(ManifestDocument externalSecret, ParsedExternalSecret parsed, IEnumerable<ManifestDocument> documents, string? storePath)
    {
        var matches = documents.Where(d => d.Kind == parsed.StoreKind && d.Name == parsed.StoreName).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw ManifestErrors.Invalid(
                externalSecret.Where,
                "spec.secretStoreRef",
                $"no {parsed.StoreKind} named '{parsed.StoreName}' in '{externalSecret.File}'{(storePath is null ? string.Empty : $" or '{storePath}'")}; "
                + "put the store in the same file or name its file with es.StorePath."),
            _ => throw ManifestErrors.Invalid(externalSecret.Where, "spec.secretStoreRef", $"{matches.Count} {parsed.StoreKind}s are named '{parsed.StoreName}'."),
        };
    }
}
