using K8sSecrets.Configuration.ExternalSecrets.Rules;

namespace K8sSecrets.Configuration.ExternalSecrets.Manifests;

/// <summary>Reads an External Secrets Operator <c>ExternalSecret</c> (<c>external-secrets.io/v1</c>, <c>v1beta1</c>).</summary>
internal static class EsoManifestReader
{
    private static readonly string[] s_top = ["apiVersion", "kind", "metadata", "spec", "status"];
    private static readonly string[] s_spec = ["secretStoreRef", "target", "refreshPolicy", "refreshInterval", "data", "dataFrom"];
    private static readonly string[] s_target = ["name", "creationPolicy", "deletionPolicy", "template", "immutable"];
    private static readonly string[] s_template = ["type", "engineVersion", "metadata", "mergePolicy", "data"];
    private static readonly string[] s_remoteRef = ["key", "property", "version", "metadataPolicy", "conversionStrategy", "decodingStrategy", "nullBytePolicy"];

    private static readonly Dictionary<string, string> s_specUnsupported = new(StringComparer.Ordinal)
    {
        ["syncWindows"] = "sync windows are not supported: the store is read at every refreshInterval.",
    };

    private static readonly Dictionary<string, string> s_targetUnsupported = new(StringComparer.Ordinal)
    {
        ["manifest"] = "target.manifest writes a resource other than a Secret; FromExternalSecret only reproduces Secret data.",
    };

    private static readonly Dictionary<string, string> s_templateUnsupported = new(StringComparer.Ordinal)
    {
        ["templateFrom"] = "templateFrom renders ConfigMap or Secret templates with Go text/template, which needs the controller; use target.template.data with plain {{ .key }} substitution.",
    };

    private static readonly Dictionary<string, string> s_itemUnsupported = new(StringComparer.Ordinal)
    {
        ["sourceRef"] = "sourceRef (generators, or another store per item) is not supported; every item reads the ExternalSecret's secretStoreRef.",
    };

    private static readonly Dictionary<string, string> s_dataFromUnsupported = new(StringComparer.Ordinal)
    {
        ["find"] = "find (listing the store by name regexp or tags) is not supported yet; name each secret with dataFrom[].extract or data[].",
        ["sourceRef"] = "sourceRef (generators, or another store per item) is not supported; every item reads the ExternalSecret's secretStoreRef.",
    };

    public static ParsedExternalSecret Read(ManifestDocument document, TimeSpan? refreshOverride)
    {
        var root = document.Node;
        root.AllowOnly(s_top);
        var spec = root.RequiredChild("spec");
        spec.AllowOnly(s_spec, s_specUnsupported);

        var storeRef = spec.RequiredChild("secretStoreRef");
        storeRef.AllowOnly(["name", "kind"]);
        var storeName = storeRef.RequiredText("name");
        var storeKind = storeRef.OneOf("kind", "SecretStore", ["SecretStore", "ClusterSecretStore"]);

        var refs = new RefTable();
        var dataFrom = new List<PlanItem>();
        foreach (var item in spec.Items("dataFrom"))
        {
            item.AllowOnly(["extract", "rewrite"], s_dataFromUnsupported);
            if (item.Items("rewrite").Count > 0)
            {
                throw item.FailAt("rewrite", "rewriting keys (regexp, transform, merge) is not supported; the keys are the store's top-level fields, converted as conversionStrategy Default does.");
            }

            var extract = item.Child("extract") ?? throw item.Fail("needs extract.");
            dataFrom.Add(ReadRef(extract, refs, PlanItemKind.Extract, secretKey: null));
        }

        var data = new List<PlanItem>();
        foreach (var item in spec.Items("data"))
        {
            item.AllowOnly(["secretKey", "remoteRef"], s_itemUnsupported);
            var secretKey = item.RequiredText("secretKey");
            if (!SecretKeys.IsValid(secretKey))
            {
                throw item.FailAt("secretKey", $"'{secretKey}' is not a valid Secret key: use letters, digits, '-', '.' and '_', at most 253 characters.");
            }

            data.Add(ReadRef(item.RequiredChild("remoteRef"), refs, PlanItemKind.Data, secretKey));
        }

        if (data.Count == 0 && dataFrom.Count == 0)
        {
            throw spec.Fail("needs data or dataFrom: there is nothing to read.");
        }

        var (template, merge, deleteMissing) = ReadTarget(spec.Child("target"));
        var policy = spec.OneOf("refreshPolicy", "Periodic", ["Periodic", "CreatedOnce", "OnChange"]);
        TimeSpan? interval;
        if (refreshOverride is { } given)
        {
            interval = given;
        }
        else if (policy != "Periodic")
        {
            // CreatedOnce reads once; OnChange reads when the manifest changes, which it does not in-process.
            interval = null;
        }
        else
        {
            var text = spec.Text("refreshInterval") ?? "1h";
            interval = GoDuration.TryParse(text, out var parsed)
                ? parsed
                : throw spec.FailAt("refreshInterval", $"'{text}' is not a Go duration such as 1h, 15m or 30s (0 reads once).");
            if (interval > SecretRetryPolicy.LongestWait)
            {
                throw spec.FailAt("refreshInterval", $"'{text}' is longer than the one day a read may wait.");
            }
        }

        var plan = new ExternalSecretPlan
        {
            Description = $"ExternalSecret '{document.Name ?? "(unnamed)"}' in '{document.File}'",
            Legacy = false,
            DataFrom = dataFrom,
            Data = data,
            Refs = refs.Refs,
            Template = template,
            TemplateMerge = merge,
            DeleteMissing = deleteMissing,
            RefreshInterval = interval is { } i && i > TimeSpan.Zero ? i : null,
        };
        return new ParsedExternalSecret(plan, storeName, storeKind, Provider: null);
    }

    private static PlanItem ReadRef(ManifestNode remoteRef, RefTable refs, PlanItemKind kind, string? secretKey)
    {
        remoteRef.AllowOnly(s_remoteRef);
        var key = remoteRef.RequiredText("key");
        var version = remoteRef.Text("version");
        var property = remoteRef.Text("property");
        if (property is { Length: > 0 } && GJsonPath.Check(property) is { } problem)
        {
            throw remoteRef.FailAt("property", problem);
        }

        remoteRef.OneOf("metadataPolicy", "None", ["None"], "Fetch reads the store's metadata or tags, which FromExternalSecret does not");
        remoteRef.OneOf("conversionStrategy", "Default", ["Default"]);
        var decoding = remoteRef.OneOf("decodingStrategy", "None", ["None", "Base64", "Base64URL", "Auto"]) switch
        {
            "Base64" => ValueDecoding.Base64,
            "Base64URL" => ValueDecoding.Base64Url,
            "Auto" => ValueDecoding.Auto,
            _ => ValueDecoding.None,
        };
        var failOnNull = remoteRef.OneOf("nullBytePolicy", "Ignore", ["Ignore", "Fail"]) == "Fail";
        var id = refs.Add(key, string.IsNullOrEmpty(version) ? null : version, remoteRef.Path);
        return new PlanItem(kind, secretKey, id, string.IsNullOrEmpty(property) ? null : property, decoding, failOnNull, remoteRef.Path);
    }

    private static (IReadOnlyList<KeyValuePair<string, TemplateText>>? Template, bool Merge, bool DeleteMissing) ReadTarget(ManifestNode? target)
    {
        if (target is not { } t)
        {
            return (null, false, false);
        }

        t.AllowOnly(s_target, s_targetUnsupported);
        t.OneOf("creationPolicy", "Owner", ["Owner", "Orphan", "Merge", "None", "CreateOrMerge"]);
        var deleteMissing = t.OneOf("deletionPolicy", "Retain", ["Retain", "Delete", "Merge"]) == "Delete";
        if (t.Child("template") is not { } template)
        {
            return (null, false, deleteMissing);
        }

        template.AllowOnly(s_template, s_templateUnsupported);
        template.OneOf("engineVersion", "v2", ["v2"]);
        var merge = template.OneOf("mergePolicy", "Replace", ["Replace", "Merge"]) == "Merge";
        if (template.Child("data") is not { } data)
        {
            return (null, false, deleteMissing);
        }

        data.ExpectMapping();
        var entries = new List<KeyValuePair<string, TemplateText>>();
        foreach (var property in data.Value.EnumerateObject())
        {
            var field = new ManifestNode(data.Document, property.Value, data.Join(property.Name));
            if (!SecretKeys.IsValid(property.Name))
            {
                throw field.Fail($"'{property.Name}' is not a valid Secret key: use letters, digits, '-', '.' and '_'.");
            }

            if (property.Value.ValueKind != System.Text.Json.JsonValueKind.String)
            {
                throw field.Fail("must be a template string.");
            }

            entries.Add(new(property.Name, TemplateText.Parse(property.Value.GetString()!) ?? throw field.Fail(
                "only plain substitution of keys is supported ({{ .key }}, literal text around it); Go template functions, pipelines, conditionals and index need the controller.")));
        }

        return (entries.Count == 0 ? null : entries, merge, deleteMissing);
    }
}
