using System.Text;
using System.Text.Json;

namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>lodash <c>_.get</c> as the legacy controller uses it for <c>property</c>: <c>a.b[0].c</c>, <c>a["b.c"]</c>, a literal key first.</summary>
internal static class LodashPath
{
    /// <summary>Splits a path as lodash's <c>stringToPath</c> does; <see langword="null"/> when it is malformed.</summary>
    public static List<string>? Parse(string path)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var i = 0;
        var afterBracket = false;
        while (i < path.Length)
        {
            var c = path[i];
            if (c == '.')
            {
                if (!afterBracket)
                {
                    parts.Add(current.ToString());
                }

                current.Clear();
                afterBracket = false;
                i++;
            }
            else if (c == '[')
            {
                if (current.Length > 0)
                {
                    parts.Add(current.ToString());
                }

                current.Clear();
                i++;
                if (i < path.Length && path[i] is '"' or '\'')
                {
                    var quote = path[i++];
                    var key = new StringBuilder();
                    while (i < path.Length && path[i] != quote)
                    {
                        if (path[i] == '\\' && i + 1 < path.Length)
                        {
                            i++;
                        }

                        key.Append(path[i++]);
                    }

                    if (i + 1 >= path.Length || path[i + 1] != ']')
                    {
                        return null;
                    }

                    parts.Add(key.ToString());
                    i += 2;
                }
                else
                {
                    var end = path.IndexOf(']', i);
                    if (end < 0)
                    {
                        return null;
                    }

                    parts.Add(path[i..end].Trim());
                    i = end + 1;
                }

                afterBracket = true;
            }
            else
            {
                current.Append(c);
                afterBracket = false;
                i++;
            }
        }

        if (!afterBracket)
        {
            parts.Add(current.ToString());
        }

        return parts;
    }

    /// <summary>lodash <c>_.get(obj, path)</c>: a name that exists literally wins, otherwise the parsed path.</summary>
    public static JsonElement? Get(JsonElement root, string path)
    {
        if (root.ValueKind == JsonValueKind.Object && Field(root, path) is { } literal)
        {
            return literal;
        }

        var parts = Parse(path);
        if (parts is null)
        {
            return null;
        }

        var current = root;
        foreach (var part in parts)
        {
            if (current.ValueKind == JsonValueKind.Object && Field(current, part) is { } next)
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && part.Length > 0 && part.All(char.IsAsciiDigit)
                && int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>A field as <c>JSON.parse</c> keeps it: the last of a repeated name.</summary>
    private static JsonElement? Field(JsonElement value, string name)
    {
        JsonElement? found = null;
        foreach (var property in value.EnumerateObject())
        {
            if (property.NameEquals(name))
            {
                found = property.Value;
            }
        }

        return found;
    }
}
