using System.Globalization;
using System.Text.Json;

namespace K8sSecrets.Configuration;

/// <summary>
/// The one JSON flattening every source uses: a JSON object becomes snapshot names joined by
/// <c>/</c> (which become <c>:</c> in configuration keys); objects nest, arrays are indexed from
/// 0, strings keep their text, <c>null</c> stays <see langword="null"/>, and numbers and booleans
/// keep their JSON spelling (<c>5432</c>, <c>1.5</c>, <c>true</c>). A field with an empty name
/// (<c>{"": "x"}</c>) has no key to go to and is skipped, with what it held. A document that would
/// give more than <see cref="MaxEntries"/> keys is refused with a <see cref="SecretSourceException"/>
/// (a store's response may be megabytes: an array of a million zeros must not become a million keys).
/// </summary>
public static class SecretJson
{
    /// <summary>The most keys one JSON document may flatten to: 10,000, as many as a volume lists.</summary>
    public const int MaxEntries = 10_000;

    /// <summary>Flattens the fields of a JSON object; any other JSON value gives no entries.</summary>
    /// <param name="fields">The JSON object, for example a Vault secret's data or an AWS <c>SecretString</c>.</param>
    /// <param name="prefix">A name every entry is placed under (joined with <c>/</c>), or <see langword="null"/>.</param>
    /// <returns>The names and values, in document order.</returns>
    /// <exception cref="SecretSourceException">The document holds more than <see cref="MaxEntries"/> values.</exception>
    public static List<KeyValuePair<string, string?>> Flatten(JsonElement fields, string? prefix)
        => Flatten(fields, prefix, []);

    /// <summary>
    /// Flattens the fields of a JSON object, and lists where fields with an empty name were skipped,
    /// so that the source can say so.
    /// </summary>
    /// <param name="fields">The JSON object.</param>
    /// <param name="prefix">A name every entry is placed under (joined with <c>/</c>), or <see langword="null"/>.</param>
    /// <param name="skipped">Receives, for each field with an empty name, the name of the object
    /// that holds it (<paramref name="prefix"/>, or an empty string, for the top level).</param>
    /// <returns>The names and values, in document order.</returns>
    /// <exception cref="SecretSourceException">The document holds more than <see cref="MaxEntries"/> values.</exception>
    public static List<KeyValuePair<string, string?>> Flatten(JsonElement fields, string? prefix, ICollection<string> skipped)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        var entries = new List<KeyValuePair<string, string?>>();
        if (fields.ValueKind == JsonValueKind.Object)
        {
            VisitObject(fields, prefix ?? string.Empty, entries, skipped);
        }

        return entries;
    }

    private static void Add(List<KeyValuePair<string, string?>> entries, string name, string? value)
    {
        if (entries.Count == MaxEntries)
        {
            throw new SecretSourceException(
                $"its JSON holds more than {MaxEntries} values, the most one secret may flatten to; split it into several secrets, or read it whole as one key.")
            {
                IsTransient = false,
            };
        }

        entries.Add(new(name, value));
    }

    private static void VisitObject(JsonElement value, string name, List<KeyValuePair<string, string?>> entries, ICollection<string> skipped)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name.Length == 0)
            {
                skipped.Add(name);
                continue;
            }

            Visit(property.Value, Join(name, property.Name), entries, skipped);
        }
    }

    private static void Visit(JsonElement value, string name, List<KeyValuePair<string, string?>> entries, ICollection<string> skipped)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                VisitObject(value, name, entries, skipped);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Visit(item, Join(name, index.ToString(CultureInfo.InvariantCulture)), entries, skipped);
                    index++;
                }

                break;
            case JsonValueKind.String:
                Add(entries, name, value.GetString());
                break;
            case JsonValueKind.Null:
                Add(entries, name, null);
                break;
            default:
                Add(entries, name, value.GetRawText());
                break;
        }
    }

    private static string Join(string? prefix, string name) => string.IsNullOrEmpty(prefix) ? name : prefix + "/" + name;
}
