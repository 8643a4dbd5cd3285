using System.Text;

namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>A <c>target.template.data</c> value limited to literal text and <c>{{ .key }}</c> substitutions.</summary>
internal sealed class TemplateText
{
    private readonly List<(bool IsKey, string Text)> _parts;

    private TemplateText(List<(bool IsKey, string Text)> parts) => _parts = parts;

    /// <summary>Gets the keys the template reads.</summary>
    public IEnumerable<string> Keys => _parts.Where(static p => p.IsKey).Select(static p => p.Text);

    /// <summary>Parses the template, or returns <see langword="null"/> when it uses more than plain substitution.</summary>
    public static TemplateText? Parse(string template)
    {
        var parts = new List<(bool, string)>();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add((false, template[i..]));
                break;
            }

            if (open > i)
            {
                parts.Add((false, template[i..open]));
            }

            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                return null;
            }

            var action = template[(open + 2)..close];
            if (action.StartsWith('-') || action.EndsWith('-'))
            {
                return null;
            }

            action = action.Trim();
            if (action.Length < 2 || action[0] != '.' || !(char.IsAsciiLetter(action[1]) || action[1] == '_')
                || !action.AsSpan(1).ToString().All(static c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return null;
            }

            parts.Add((true, action[1..]));
            i = close + 2;
        }

        return new TemplateText(parts);
    }

    /// <summary>Renders the template; a key the data does not hold is an error, as Go's <c>missingkey=error</c> makes it.</summary>
    public string Render(Func<string, string?> lookup)
    {
        var builder = new StringBuilder();
        foreach (var (isKey, text) in _parts)
        {
            builder.Append(isKey ? lookup(text) ?? throw new RuleException($"the template reads '.{text}', which the secret data does not hold") : text);
        }

        return builder.ToString();
    }
}
