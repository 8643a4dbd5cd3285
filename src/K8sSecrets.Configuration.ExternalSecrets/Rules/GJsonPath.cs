using System.Text;
using System.Text.Json;

namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>
/// The part of gjson's path syntax a <c>property</c> may use in-process: names separated by <c>.</c>,
/// <c>\</c> escaping the next character, and numeric indexes into lists. Wildcards, queries, pipes,
/// modifiers and multipaths are refused when the manifest is read.
/// </summary>
internal static class GJsonPath
{
    /// <summary>Returns why <paramref name="path"/> is not supported, or <see langword="null"/> when it is.</summary>
    public static string? Check(string path) => TryParse(path, out _, out var problem) ? null : problem;

    public static List<string> Parse(string path)
        => TryParse(path, out var parts, out var problem) ? parts : throw new RuleException(problem!);

    /// <summary>Finds the value at <paramref name="path"/>: an object's first field of that name, or a list's item.</summary>
    public static JsonElement? Find(JsonElement root, IReadOnlyList<string> path)
    {
        var current = root;
        foreach (var part in path)
        {
            if (current.ValueKind == JsonValueKind.Object)
            {
                JsonElement? found = null;
                foreach (var property in current.EnumerateObject())
                {
                    if (property.NameEquals(part))
                    {
                        found = property.Value;
                        break;
                    }
                }

                if (found is not { } next)
                {
                    return null;
                }

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

    /// <summary>gjson's <c>Result.String()</c>.</summary>
    public static string ResultString(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString()!;
            case JsonValueKind.Number:
                var raw = value.GetRawText();
                var digits = raw.StartsWith('-') ? raw.AsSpan(1) : raw.AsSpan();
                foreach (var c in digits)
                {
                    if (!char.IsAsciiDigit(c))
                    {
                        return NumberText.GoFixed(NumberText.Parse(raw));
                    }
                }

                return raw;
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Null:
                return string.Empty;
            default:
                return value.GetRawText();
        }
    }

    private static bool TryParse(string path, out List<string> parts, out string? problem)
    {
        parts = [];
        problem = null;
        if (path.Length == 0)
        {
            problem = "an empty property path is not supported.";
            return false;
        }

        if (path[0] is '[' or '{' or '!' or '@' || path.StartsWith("..", StringComparison.Ordinal))
        {
            problem = $"'{path}' uses gjson multipaths, literals, modifiers or JSON lines, which are not supported; use a dotted path such as a.b.0.c (escape a literal dot as \\.).";
            return false;
        }

        var current = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '\\')
            {
                if (++i == path.Length)
                {
                    problem = $"'{path}' ends with a lone '\\'.";
                    return false;
                }

                current.Append(path[i]);
                continue;
            }

            if (c == '.')
            {
                if (current.Length == 0)
                {
                    problem = $"'{path}' has an empty part.";
                    return false;
                }

                parts.Add(current.ToString());
                current.Clear();
                continue;
            }

            if (c is '*' or '?' or '|' or '#' || (c == '@' && current.Length == 0))
            {
                problem = $"'{path}' uses gjson wildcards (*, ?), queries (#), pipes (|) or modifiers (@), which are not supported; use a dotted path with numeric list indexes, and escape a literal character with \\.";
                return false;
            }

            current.Append(c);
        }

        if (current.Length == 0)
        {
            problem = $"'{path}' has an empty part.";
            return false;
        }

        parts.Add(current.ToString());
        return true;
    }
}
