using System.Text.Json;

namespace K8sSecrets.Configuration.ExternalSecrets.Manifests;

/// <summary>A value of a manifest with its field path, so that every error names the field.</summary>
internal readonly struct ManifestNode
{
    public ManifestNode(ManifestDocument document, JsonElement value, string path)
    {
        Document = document;
        Value = value;
        Path = path;
    }

    public ManifestDocument Document { get; }

    public JsonElement Value { get; }

    public string Path { get; }

    public bool IsMapping => Value.ValueKind == JsonValueKind.Object;

    public SecretSourceException Fail(string problem) => ManifestErrors.Invalid(Document.Where, Path.Length == 0 ? "(document)" : Path, problem);

    public SecretSourceException FailAt(string field, string problem) => ManifestErrors.Invalid(Document.Where, Join(field), problem);

    /// <summary>Refuses any field of this mapping that is not listed; <paramref name="unsupported"/> explains known fields that are refused.</summary>
    public void AllowOnly(string[] supported, IReadOnlyDictionary<string, string>? unsupported = null)
    {
        ExpectMapping();
        foreach (var property in Value.EnumerateObject())
        {
            if (Array.IndexOf(supported, property.Name) >= 0)
            {
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (unsupported is not null && unsupported.TryGetValue(property.Name, out var why))
            {
                throw FailAt(property.Name, why);
            }

            throw FailAt(property.Name, $"this field is not supported by FromExternalSecret; supported here: {string.Join(", ", supported)}.");
        }
    }

    public void ExpectMapping()
    {
        if (!IsMapping)
        {
            throw Fail("must be a mapping.");
        }
    }

    public ManifestNode? Child(string field)
    {
        ExpectMapping();
        return Value.TryGetProperty(field, out var child) && child.ValueKind != JsonValueKind.Null
            ? new ManifestNode(Document, child, Join(field))
            : null;
    }

    public ManifestNode RequiredChild(string field) => Child(field) ?? throw FailAt(field, "this field is required.");

    public string? Text(string field)
    {
        if (Child(field) is not { } child)
        {
            return null;
        }

        if (child.Value.ValueKind != JsonValueKind.String)
        {
            throw child.Fail("must be a single value, not a mapping or a list.");
        }

        return child.Value.GetString();
    }

    public string RequiredText(string field)
        => Text(field) is { Length: > 0 } text ? text : throw FailAt(field, "this field is required.");

    /// <summary>Reads an optional field that must be one of <paramref name="allowed"/> (compared exactly).</summary>
    public string OneOf(string field, string fallback, string[] allowed, string? why = null)
    {
        var text = Text(field);
        if (text is null || text.Length == 0)
        {
            return fallback;
        }

        if (Array.IndexOf(allowed, text) < 0)
        {
            throw FailAt(field, $"'{text}' is not supported{(why is null ? string.Empty : " (" + why + ")")}; supported: {string.Join(", ", allowed)}.");
        }

        return text;
    }

    public List<ManifestNode> Items(string field)
    {
        if (Child(field) is not { } list)
        {
            return [];
        }

        if (list.Value.ValueKind != JsonValueKind.Array)
        {
            throw list.Fail("must be a list.");
        }

        var items = new List<ManifestNode>();
        var i = 0;
        foreach (var item in list.Value.EnumerateArray())
        {
            items.Add(new ManifestNode(Document, item, $"{list.Path}[{i++}]"));
        }

        return items;
    }

    public string Join(string field) => Path.Length == 0 ? field : Path + "." + field;
}
