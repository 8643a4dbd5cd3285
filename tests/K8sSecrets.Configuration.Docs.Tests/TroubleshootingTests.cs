using System.Text.RegularExpressions;

namespace K8sSecrets.Configuration.Docs.Tests;

/// <summary>
/// docs/troubleshooting.md explains every exception a setting can raise at an Add…/From… call: each
/// message thrown as an ArgumentException, ArgumentOutOfRangeException or InvalidOperationException
/// in src/ must appear there (the first clause of its longest literal part, at most 60 characters).
/// Guards of internal HTTP plumbing (src/*/Http) are not settings and are left out.
/// </summary>
public sealed partial class TroubleshootingTests
{
    [Fact]
    public void Every_setting_error_message_is_in_troubleshooting()
    {
        var page = Normalize(File.ReadAllText(Path.Join(DocSnippets.RepositoryRoot, "docs", "troubleshooting.md")));

        var missing = SettingErrors()
            .Where(e => !page.Contains(Normalize(e.Text), StringComparison.Ordinal))
            .Select(e => $"{e.Where}: \"{e.Text}\"")
            .ToList();

        Assert.True(missing.Count == 0, $"docs/troubleshooting.md does not explain {missing.Count} messages:\n{string.Join('\n', missing)}");
    }

    [Fact]
    public void Setting_errors_are_found_in_the_sources()
    {
        var errors = SettingErrors().ToList();

        Assert.True(errors.Count >= 30, $"only {errors.Count} setting errors found under src/");
        Assert.Contains(errors, e => e.Text.Contains("needs the vault's address", StringComparison.Ordinal));
    }

    public static IEnumerable<(string Where, string Text)> SettingErrors()
    {
        var src = Path.Join(DocSnippets.RepositoryRoot, "src");
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(DocSnippets.RepositoryRoot, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            foreach (Match match in Throw().Matches(text))
            {
                // The longest run of literal text: what a reader can search the page for.
                var literal = Gist(Hole().Split(match.Groups["message"].Value).MaxBy(part => part.Length)!);
                if (literal.Length >= 12 && !relative.Contains("/Http/", StringComparison.Ordinal))
                {
                    yield return ($"{relative}:{text[..match.Index].Count(c => c == '\n') + 1}", literal);
                }
            }
        }
    }

    // The message's first clause, at most 60 characters cut at a space: what the page quotes.
    private static string Gist(string literal)
    {
        var text = literal.Replace("\\\"", "\"", StringComparison.Ordinal).Trim(' ', '.', ':', ',', '\'', '"');
        var end = new[] { "; ", ". ", ": " }.Select(d => text.IndexOf(d, 12, StringComparison.Ordinal)).Where(i => i > 0).DefaultIfEmpty(text.Length).Min();
        text = text[..end];
        return text.Length <= 60 ? text : text[..text.LastIndexOf(' ', 60)];
    }

    private static string Normalize(string text) => Spaces().Replace(text.Replace("`", string.Empty, StringComparison.Ordinal), " ");

    [GeneratedRegex("""throw new (?:ArgumentException|ArgumentOutOfRangeException|InvalidOperationException)\(\s*(?:nameof\(\w+\),\s*\w+,\s*)?\$?"(?<message>(?:[^"\\]|\\.)*)""")]
    private static partial Regex Throw();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Hole();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
