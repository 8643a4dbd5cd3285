using System.Text.Json;

namespace K8sSecrets.Configuration.Vault;

/// <summary>
/// Turns a secret's JSON fields into snapshot names joined by <c>/</c> (which become <c>:</c> in
/// configuration keys): objects nest, arrays are indexed from 0, scalars keep their JSON text.
/// </summary>
internal static class VaultJsonFlattener
{
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
                    Visit(item, Join(name, index.ToString(System.Globalization.CultureInfo.InvariantCulture)), entries);
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
                // Numbers and booleans keep their JSON spelling: 5432, 1.5, true.
                entries.Add(new(name, value.GetRawText()));
                break;
        }
    }

    private static string Join(string? prefix, string name) => string.IsNullOrEmpty(prefix) ? name : prefix + "/" + name;
}
