using K8sSecrets.Configuration.ExternalSecrets.Rules;

namespace K8sSecrets.Configuration.ExternalSecrets.Manifests;

/// <summary>Reads a legacy kubernetes-external-secrets <c>ExternalSecret</c> (<c>kubernetes-client.io/v1</c>).</summary>
internal static class LegacyManifestReader
{
    /// <summary>The default poll of the old controller (<c>POLLER_INTERVAL_MILLISECONDS</c>).</summary>
    public static readonly TimeSpan DefaultRefresh = TimeSpan.FromSeconds(10);

    private static readonly Dictionary<string, (string Provider, string[] Fields)> s_backends = new(StringComparer.Ordinal)
    {
        ["vault"] = ("vault", ["vaultMountPoint", "vaultRole", "kvVersion"]),
        ["secretsManager"] = ("aws", ["roleArn", "region"]),
        ["azureKeyVault"] = ("azurekv", ["keyVaultName"]),
        ["gcpSecretsManager"] = ("gcpsm", ["projectId"]),
    };

    private static readonly string[] s_backendFields = ["vaultMountPoint", "vaultRole", "kvVersion", "roleArn", "region", "keyVaultName", "projectId"];
    private static readonly string[] s_generic = ["backendType", "data", "dataFrom", "controllerId", "type"];

    private static readonly Dictionary<string, string> s_specUnsupported = new(StringComparer.Ordinal)
    {
        ["template"] = "template renders lodash templates into the Secret, which needs the controller.",
    };

    private static readonly Dictionary<string, string> s_itemUnsupported = new(StringComparer.Ordinal)
    {
        ["path"] = "path (and recursive) read AWS Parameter Store folders, which FromExternalSecret does not.",
        ["recursive"] = "recursive reads AWS Parameter Store folders, which FromExternalSecret does not.",
        ["secretType"] = "secretType (Alibaba, IBM) is not supported.",
    };

    public static ParsedExternalSecret Read(ManifestDocument document, TimeSpan? refreshOverride)
    {
        var root = document.Node;
        root.AllowOnly(["apiVersion", "kind", "metadata", "spec", "status"]);
        var spec = root.RequiredChild("spec");
        var backendType = spec.RequiredText("backendType");
        if (!s_backends.TryGetValue(backendType, out var backend))
        {
            throw spec.FailAt("backendType", $"'{backendType}' is not supported; supported: {string.Join(", ", s_backends.Keys)}.");
        }

        var allowed = s_generic.Concat(backend.Fields).ToArray();
        var unsupported = new Dictionary<string, string>(s_specUnsupported, StringComparer.Ordinal);
        foreach (var field in s_backendFields.Except(backend.Fields))
        {
            unsupported[field] = $"this field is not used by backendType {backendType}.";
        }

        spec.AllowOnly(allowed, unsupported);

        var refs = new RefTable();
        var dataFrom = new List<PlanItem>();
        foreach (var entry in spec.Items("dataFrom"))
        {
            if (entry.Value.ValueKind != System.Text.Json.JsonValueKind.String || entry.Value.GetString() is not { Length: > 0 } key)
            {
                throw entry.Fail("must be a store key (the full path of a secret whose JSON fields become keys).");
            }

            dataFrom.Add(new PlanItem(PlanItemKind.Extract, null, refs.Add(key, null, entry.Path), null, ValueDecoding.None, false, entry.Path));
        }

        var data = new List<PlanItem>();
        foreach (var item in spec.Items("data"))
        {
            item.AllowOnly(["key", "name", "secretKey", "property", "isBinary", "version", "versionStage", "versionId"], s_itemUnsupported);
            var name = item.Text("name");
            var secretKey = item.Text("secretKey");
            if (name is { Length: > 0 } && secretKey is { Length: > 0 })
            {
                throw item.Fail("give the Secret key once: name or secretKey, not both.");
            }

            var target = name is { Length: > 0 } ? name : secretKey is { Length: > 0 } ? secretKey : throw item.Fail("needs name (or secretKey): the Secret key to write.");
            if (!SecretKeys.IsValid(target))
            {
                throw item.FailAt(name is null ? "secretKey" : "name", $"'{target}' is not a valid Secret key: use letters, digits, '-', '.' and '_'.");
            }

            var key = item.RequiredText("key");
            var property = item.Text("property");
            if (property is { Length: > 0 } && LodashPath.Parse(property) is null)
            {
                throw item.FailAt("property", $"'{property}' is not a path of the form a.b[0].c.");
            }

            var binary = item.OneOf("isBinary", "false", ["true", "false"]) == "true";
            var version = item.Text("versionId") ?? item.Text("versionStage") ?? item.Text("version");
            var id = refs.Add(key, string.IsNullOrEmpty(version) ? null : version, item.Path);
            data.Add(new PlanItem(PlanItemKind.Data, target, id, string.IsNullOrEmpty(property) ? null : property, binary ? ValueDecoding.Base64 : ValueDecoding.None, false, item.Path));
        }

        if (data.Count == 0 && dataFrom.Count == 0)
        {
            throw spec.Fail("needs data or dataFrom: there is nothing to read.");
        }

        var interval = refreshOverride ?? DefaultRefresh;
        var plan = new ExternalSecretPlan
        {
            Description = $"ExternalSecret '{document.Name ?? "(unnamed)"}' in '{document.File}'",
            Legacy = true,
            DataFrom = dataFrom,
            Data = data,
            Refs = refs.Refs,
            RefreshInterval = interval > TimeSpan.Zero ? interval : null,
        };
        return new ParsedExternalSecret(plan, backendType, StoreKind: null, backend.Provider);
    }
}
