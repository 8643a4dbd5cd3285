namespace K8sSecrets.Configuration.Docs.Tests;

public sealed class DocSnippetTests
{
    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in DocSnippets.All)
        {
            data.Add(snippet.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Every_csharp_block_compiles_against_the_packages(string where)
    {
        var snippet = DocSnippets.All.Single(s => s.ToString() == where);

        var errors = SnippetCompiler.Errors(snippet);

        Assert.True(errors.Count == 0, $"{where} does not compile:\n{string.Join('\n', errors)}\n---\n{snippet.Code}");
    }

    [Fact]
    public void Every_documentation_file_is_searched()
    {
        var files = DocSnippets.All.Select(s => s.File).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("README.md", files);
        Assert.Contains("docs/getting-started.md", files);
        Assert.Contains("src/K8sSecrets.Configuration/README.md", files);
        Assert.True(DocSnippets.All.Count >= 25, $"only {DocSnippets.All.Count} csharp blocks found");
    }

    [Fact]
    public void A_block_that_does_not_compile_is_reported_with_its_markdown_line()
    {
        var lines = new[] { "text", "<!-- fragment: builder -->", "```csharp", "builder.Configuration.AddKubernetesSecrets(42);", "```" };
        var snippet = Assert.Single(DocSnippets.Parse("docs/x.md", lines));

        var errors = SnippetCompiler.Errors(snippet);

        Assert.NotEmpty(errors);
        Assert.StartsWith("docs/x.md:4: CS", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_fragment_without_its_marker_is_compiled_as_a_whole_file_and_fails()
    {
        var lines = new[] { "```csharp", "builder.Configuration.AddKubernetesSecrets(\"/var/run/secrets/app\");", "```" };
        var snippet = Assert.Single(DocSnippets.Parse("docs/x.md", lines));

        Assert.Contains(SnippetCompiler.Errors(snippet), e => e.Contains("CS0103", StringComparison.Ordinal));
    }
}
