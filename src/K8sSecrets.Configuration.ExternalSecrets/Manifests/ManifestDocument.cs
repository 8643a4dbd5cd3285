using System.Text.Json;

namespace K8sSecrets.Configuration.ExternalSecrets.Manifests;

/// <summary>One YAML document of a manifest file, as JSON.</summary>
internal sealed record ManifestDocument(string File, int Index, JsonElement Root)
{
    /// <summary>Gets the file and the document's number (from 1), for messages.</summary>
    public string Where => WhereText ?? $"'{File}' (document {Index + 1})";

    /// <summary>Gets a description of where the document is, when it is a block handed over on its own (a store's provider).</summary>
    public string? WhereText { get; init; }

    public ManifestNode Node => new(this, Root, string.Empty);

    public string? Kind => Text("kind");

    public string? ApiVersion => Text("apiVersion");

    public string? Name => Root.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object
        && m.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;

    private string? Text(string field)
        => Root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
