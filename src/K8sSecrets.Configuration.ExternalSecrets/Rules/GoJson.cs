using System.Text;
using System.Text.Json;

namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>
/// Go's <c>encoding/json</c> <c>Marshal</c> of a decoded value, as the controller re-encodes Vault data:
/// object keys sorted (byte order), compact, <c>&lt; &gt; &amp;</c> U+2028 U+2029 escaped, and numbers
/// either kept as their text (decoded with <c>UseNumber</c>) or re-spelled from a float64.
/// </summary>
internal static class GoJson
{
    public static string Marshal(JsonElement value, bool numbersAsText)
    {
        var builder = new StringBuilder();
        Write(builder, value, numbersAsText);
        return builder.ToString();
    }

    /// <summary>The controller's <c>GetByteValue</c>: strings raw, objects and lists marshalled, <c>null</c> empty.</summary>
    public static string ByteValue(JsonElement value, bool numbersAsText) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => string.Empty,
        JsonValueKind.Number => numbersAsText ? value.GetRawText() : NumberText.GoFixed(NumberText.Parse(value.GetRawText())),
        _ => Marshal(value, numbersAsText),
    };

    /// <summary>The fields of an object as Go's <c>map[string]any</c> holds them: a repeated name keeps its last value.</summary>
    public static List<KeyValuePair<string, JsonElement>> Fields(JsonElement value)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        var list = fields.ToList();
        list.Sort(static (a, b) => CompareUtf8(a.Key, b.Key));
        return list;
    }

    private static void Write(StringBuilder builder, JsonElement value, bool numbersAsText)
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
                    Write(builder, field, numbersAsText);
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

                    Write(builder, item, numbersAsText);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(builder, value.GetString()!);
                break;
            case JsonValueKind.Number:
                builder.Append(numbersAsText ? value.GetRawText() : NumberText.GoJson(NumberText.Parse(value.GetRawText())));
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
                    continue;
                case '\\':
                    builder.Append("\\\\");
                    continue;
                case '\b':
                    builder.Append("\\b");
                    continue;
                case '\f':
                    builder.Append("\\f");
                    continue;
                case '\n':
                    builder.Append("\\n");
                    continue;
                case '\r':
                    builder.Append("\\r");
                    continue;
                case '\t':
                    builder.Append("\\t");
                    continue;
            }

            if (c < 0x20 || c is '<' or '>' or '&')
            {
                builder.Append("\\u00").Append(hex[c >> 4]).Append(hex[c & 0xF]);
            }
            else if (c is '\u2028' or '\u2029')
            {
                builder.Append(c == '\u2028' ? "\\u2028" : "\\u2029");
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append("\\ufffd");
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('"');
    }

    /// <summary>Go sorts strings by their UTF-8 bytes, which is code point order.</summary>
    private static int CompareUtf8(string a, string b)
    {
        var left = a.EnumerateRunes();
        var right = b.EnumerateRunes();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
            {
                return hasLeft ? 1 : hasRight ? -1 : 0;
            }

            var order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0)
            {
                return order;
            }
        }
    }
}
