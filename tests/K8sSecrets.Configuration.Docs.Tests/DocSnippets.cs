using System.Text.RegularExpressions;

namespace K8sSecrets.Configuration.Docs.Tests;

/// <summary>Finds the csharp blocks of README.md, docs/*.md and src/*/README.md.</summary>
public static partial class DocSnippets
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static IReadOnlyList<DocSnippet> All { get; } = Find();

    public static IEnumerable<string> Files()
    {
        yield return Path.Join(RepositoryRoot, "README.md");
        foreach (var file in Directory.EnumerateFiles(Path.Join(RepositoryRoot, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            yield return file;
        }

        foreach (var file in Directory.EnumerateFiles(Path.Join(RepositoryRoot, "src"), "README.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (Path.GetDirectoryName(Path.GetDirectoryName(file)) == Path.Join(RepositoryRoot, "src"))
            {
                yield return file;
            }
        }
    }

    public static IReadOnlyList<DocSnippet> Parse(string relativePath, string[] lines)
    {
        var found = new List<DocSnippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```csharp")
            {
                continue;
            }

            var scope = i > 0 && FragmentMarker().Match(lines[i - 1]) is { Success: true } marker
                ? marker.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [];
            var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
            if (end < 0)
            {
                throw new InvalidOperationException($"{relativePath}:{i + 1}: the csharp block is never closed.");
            }

            found.Add(new DocSnippet(relativePath, i + 1, string.Join('\n', lines[(i + 1)..end]), scope));
            i = end;
        }

        return found;
    }

    private static List<DocSnippet> Find()
    {
        var all = new List<DocSnippet>();
        foreach (var file in Files())
        {
            all.AddRange(Parse(Path.GetRelativePath(RepositoryRoot, file).Replace('\\', '/'), File.ReadAllLines(file)));
        }

        return all;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Join(dir.FullName, "K8sSecrets.Configuration.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No K8sSecrets.Configuration.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^<!--\s*fragment:\s*([\w\s,]+?)\s*-->$")]
    private static partial Regex FragmentMarker();
}
