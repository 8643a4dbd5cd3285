using System.Text;
using System.Text.Json;

namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>
/// The legacy controller's JavaScript: <c>JSON.stringify(JSON.parse(text))</c> (insertion order, a
/// repeated name keeps its first place and last value, compact, JavaScript number spelling) and its
/// <c>_toBuffer</c>: strings as they are, objects stringified, numbers and booleans as text, <c>null</c> as <c>"null"</c>.
/// </summary>
internal static class JsJson
{
    public static string Stringify(JsonElement value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    public static string ToBuffer(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => NumberText.JavaScript(NumberText.Parse(value.GetRawText())),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => Stringify(value),
    };

    /// <summary>An object's fields as <c>JSON.parse</c> keeps them.</summary>
    public static List<KeyValuePair<string, JsonElement>> Fields(JsonElement value)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        // Integer-like names come first in ascending order in a JavaScript object, then the rest in insertion order.
        var list = fields.ToList();
        var integers = list.Where(static f => IsArrayIndex(f.Key)).OrderBy(static f => uint.Parse(f.Key, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return [.. integers, .. list.Where(static f => !IsArrayIndex(f.Key))];
    }

    private static bool IsArrayIndex(string name)
        => name.Length > 0 && (name == "0" || name[0] != '0') && name.All(char.IsAsciiDigit)
            && uint.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n < uint.MaxValue;

    private static void Write(StringBuilder builder, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var (name, field) in Fields(value))
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    WriteString(builder, name);
                    builder.Append(':');
                    Write(builder, field);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        builder.Append(',');
                    }

                    Write(builder, item);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(builder, value.GetString()!);
                break;
            case JsonValueKind.Number:
                builder.Append(NumberText.JavaScript(NumberText.Parse(value.GetRawText())));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        const string hex = "0123456789abcdef";
        builder.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u00").Append(hex[c >> 4]).Append(hex[c & 0xF]);
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        builder.Append(c).Append(text[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
