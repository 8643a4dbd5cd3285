using System.Globalization;
using System.Text.Json;

namespace K8sSecrets.Configuration;

/// <summary>
/// The one JSON flattening every source uses: a JSON object becomes snapshot names joined by
/// <c>/</c> (which become <c>:</c> in configuration keys); objects nest, arrays are indexed from
/// 0, strings keep their text, <c>null</c> stays <see langword="null"/>, and numbers and booleans
/// keep their JSON spelling (<c>5432</c>, <c>1.5</c>, <c>true</c>).
/// </summary>
public static class SecretJson
{
    /// <summary>Flattens the fields of a JSON object; any other JSON value gives no entries.</summary>
    /// <param name="fields">The JSON object, for example a Vault secret's data or an AWS <c>SecretString</c>.</param>
    /// <param name="prefix">A name every entry is placed under (joined with <c>/</c>), or <see langword="null"/>.</param>
    /// <returns>The names and values, in document order.</returns>
    public static List<KeyValuePair<string, string?>> Flatten(JsonElement fields, string? prefix)
    {
        var entries = new List<KeyValuePair<string, string?>>();
        if (fields.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in fields.EnumerateObject())
            {
                Visit(property.Value, Join(prefix, property.Name), entries);
            }
        }

        return entries;
    }

    private static void Visit(JsonElement value, string name, List<KeyValuePair<string, string?>> entries)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    Visit(property.Value, Join(name, property.Name), entries);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Visit(item, Join(name, index.ToString(CultureInfo.InvariantCulture)), entries);
                    index++;
                }

                break;
            case JsonValueKind.String:
                entries.Add(new(name, value.GetString()));
                break;
            case JsonValueKind.Null:
                entries.Add(new(name, null));
                break;
            default:
                entries.Add(new(name, value.GetRawText()));
                break;
        }
    }

    private static string Join(string? prefix, string name) => string.IsNullOrEmpty(prefix) ? name : prefix + "/" + name;
}
