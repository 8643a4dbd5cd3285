using System.Text;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>
/// Hostile manifests end in a <see cref="SecretSourceException"/> naming the file while the YAML is
/// read: nesting is refused as the parser meets it, and aliases may repeat only so much.
/// </summary>
public sealed class YamlBudgetTests
{
    public static TheoryData<string, string> DeepManifests => new()
    {
        { "flow sequences", "a: " + new string('[', 50_000) + new string(']', 50_000) + "\n" },
        { "block sequences on one line", string.Concat(Enumerable.Repeat("- ", 50_000)) + "x\n" },
        { "flow mappings", "a: " + string.Concat(Enumerable.Repeat("{a: ", 25_000)) + "x" + new string('}', 25_000) + "\n" },
    };

    [Theory]
    [MemberData(nameof(DeepManifests))]
    public void A_manifest_nested_50000_levels_deep_is_refused_while_parsing(string what, string yaml)
    {
        using var m = new Manifest();
        var path = m.Write(yaml, "deep.yaml");

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }));

        Assert.False(ex.IsTransient, what);
        Assert.Contains($"'{path}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nesting deeper than 64 levels at line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_bomb_is_refused_before_it_expands()
    {
        using var m = new Manifest();
        var path = m.Write(AliasBomb(levels: 9, aliasesPerLevel: 10), "bomb.yaml");
        Assert.InRange(new FileInfo(path).Length, 400, 800);

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }));

        Assert.False(ex.IsTransient);
        Assert.Contains($"'{path}' (document 1)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("aliases repeat more than 100000 nodes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_alias_budget_is_the_files_not_each_documents()
    {
        using var m = new Manifest();
        var smallBomb = AliasBomb(levels: 4, aliasesPerLevel: 10);
        var path = m.Write(string.Join("---\n", Enumerable.Repeat(smallBomb, 20)), "bombs.yaml");

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }));

        Assert.Contains($"'{path}' (document ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(document 1)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("aliases repeat more than 100000 nodes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recursive_alias_is_refused_naming_the_file()
    {
        using var m = new Manifest();
        var path = m.Write("a: &a [x, *a]\n", "recursive.yaml");

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }));

        Assert.Contains($"'{path}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_repeating_one_large_scalar_is_refused_by_characters()
    {
        using var m = new Manifest();
        var yaml = new StringBuilder("big: &big ").Append('x', 1024 * 1024).Append("\nrefs: [").Append(string.Join(",", Enumerable.Repeat("*big", 10))).Append("]\n");
        var path = m.Write(yaml.ToString(), "wide.yaml");

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }));

        Assert.Contains($"'{path}' (document 1)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4194304 characters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_used_as_a_key_counts_against_the_budget()
    {
        using var m = new Manifest();
        var yaml = new StringBuilder("a:\n  ? &k ").Append('x', 1024 * 1024).Append("\n  : 1\n");
        for (var i = 0; i < 10; i++)
        {
            yaml.Append($"b{i}: {{*k : 1}}\n");
        }

        var path = m.Write(yaml.ToString(), "keys.yaml");

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }));

        Assert.Contains($"'{path}' (document 1)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4194304 characters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_that_nests_past_the_limit_is_refused_naming_the_file()
    {
        using var m = new Manifest();
        var inner = string.Concat(Enumerable.Repeat("[", 40)) + "x" + new string(']', 40);
        var path = m.Write($"a: &deep {inner}\nb: {new string('[', 30)}*deep{new string(']', 30)}\n", "aliased.yaml");

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }));

        Assert.Contains($"'{path}' (document 1)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nesting deeper than 64 levels through an alias", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_that_shares_blocks_through_aliases_still_reads()
    {
        using var m = new Manifest();
        var path = m.Write("""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: app
            spec:
              secretStoreRef: &store
                name: store
              data:
              - secretKey: a
                remoteRef: &ref
                  key: app
                  property: a
              - secretKey: b
                remoteRef: *ref
            """);
        var store = m.Write("""
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: store
            spec:
              provider:
                memory: {}
            """, "store.yaml");

        var memory = new MemoryStore("memory", ExternalSecretValueRules.Vault);
        memory.Values["app"] = """{"a":"shared"}""";

        var config = m.Build(path, es =>
        {
            es.StorePath = store;
            es.AddStore(memory);
        });

        Assert.Equal("shared", config["a"]);
        Assert.Equal("shared", config["b"]);
    }

    /// <summary>
    /// The billion-laughs shape: <c>l0</c> holds 10 scalars, each next level 10 aliases of the one
    /// before, so <c>l{levels-1}</c> stands for 10^levels scalars in about 600 bytes.
    /// </summary>
    private static string AliasBomb(int levels, int aliasesPerLevel)
    {
        var yaml = new StringBuilder("l0: &l0 [").Append(string.Join(",", Enumerable.Repeat("lol", aliasesPerLevel))).Append("]\n");
        for (var level = 1; level < levels; level++)
        {
            yaml.Append($"l{level}: &l{level} [").Append(string.Join(",", Enumerable.Repeat($"*l{level - 1}", aliasesPerLevel))).Append("]\n");
        }

        return yaml.ToString();
    }
}
