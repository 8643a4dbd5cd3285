using System.Text.Json;

namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>
/// The controllers' <c>GetSecret</c> (one value, for <c>data[]</c>) and <c>GetSecretMap</c> (top-level
/// fields, for <c>dataFrom.extract</c>) over a stored value, per provider and for the legacy controller.
/// Error messages name properties, never values.
/// </summary>
internal static class StoredValues
{
    public static string GetSecret(ExternalSecretValueRules rules, string stored, string? property)
    {
        if (rules != ExternalSecretValueRules.Vault && property is null)
        {
            return stored;
        }

        using var document = ParseJson(stored, property is null ? "the stored value" : $"the stored value (to find property '{property}')");
        var root = document.RootElement;
        if (rules == ExternalSecretValueRules.Vault)
        {
            if (property is null)
            {
                return GoJson.Marshal(root, numbersAsText: true);
            }

            if (root.ValueKind == JsonValueKind.Object && GoJson.Fields(root).FirstOrDefault(f => f.Key == property) is { Key: not null } literal)
            {
                return GoJson.ByteValue(literal.Value, numbersAsText: true);
            }

            using var marshalled = JsonDocument.Parse(GoJson.Marshal(root, numbersAsText: true));
            return GJsonPath.Find(marshalled.RootElement, GJsonPath.Parse(property)) is { } found
                ? GJsonPath.ResultString(found)
                : throw Missing(property);
        }

        var path = GJsonPath.Parse(property!);
        var literalFirst = rules == ExternalSecretValueRules.LiteralThenPath;
        var byLiteral = property!.Contains('.', StringComparison.Ordinal) ? GJsonPath.Find(root, [property]) : null;
        var byPath = GJsonPath.Find(root, path);
        var value = literalFirst ? byLiteral ?? byPath : byPath ?? byLiteral;
        return value is { } v ? GJsonPath.ResultString(v) : throw Missing(property);
    }

    public static List<KeyValuePair<string, string>> GetSecretMap(ExternalSecretValueRules rules, string stored, string? property)
    {
        var text = GetSecret(rules, stored, property);
        using var document = ParseJson(text, property is null ? "the stored value" : $"property '{property}'");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RuleException($"{(property is null ? "the stored value" : $"property '{property}'")} is not a JSON object, so extract cannot split it into keys");
        }

        var map = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in GoJson.Fields(root))
        {
            map.Add(new(name, rules == ExternalSecretValueRules.Vault
                ? GoJson.ByteValue(value, numbersAsText: false)
                : value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.Null => string.Empty,
                    _ => value.GetRawText(),
                }));
        }

        return map;
    }

    /// <summary>The legacy controller's value of a <c>data[]</c> item.</summary>
    public static string GetLegacy(string stored, string? property)
    {
        using var document = ParseJson(stored, "the stored value");
        var root = document.RootElement;
        if (property is null)
        {
            return JsJson.Stringify(root);
        }

        return LodashPath.Get(root, property) is { } value ? JsJson.ToBuffer(value) : throw Missing(property);
    }

    /// <summary>The legacy controller's keys of a <c>dataFrom</c> entry.</summary>
    public static List<KeyValuePair<string, string>> GetLegacyMap(string stored)
    {
        using var document = ParseJson(stored, "the stored value");
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new RuleException("the stored value is not a JSON object, so dataFrom cannot split it into keys");
        }

        return [.. JsJson.Fields(document.RootElement).Select(static f => new KeyValuePair<string, string>(f.Key, JsJson.ToBuffer(f.Value)))];
    }

    private static RuleException Missing(string property) => new($"the secret has no property '{property}'");

    private static JsonDocument ParseJson(string text, string what)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            throw new RuleException($"{what} is not JSON");
        }
    }
}
