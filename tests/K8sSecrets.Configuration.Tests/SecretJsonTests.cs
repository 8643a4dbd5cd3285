using System.Text.Json;

namespace K8sSecrets.Configuration.Tests;

public sealed class SecretJsonTests
{
    [Fact]
    public void Fields_with_an_empty_name_are_skipped_at_any_depth_and_reported()
    {
        using var document = JsonDocument.Parse("""{"": "top", "a": 1, "pool": {"": "nested", "max": {"": 3, "hard": true}}, "list": [{"": "x", "k": null}]}""");
        var skipped = new List<string>();

        var entries = SecretJson.Flatten(document.RootElement, "App", skipped);

        Assert.Equal(
            [new("App/a", "1"), new("App/pool/max/hard", "true"), new("App/list/0/k", null)],
            entries);
        Assert.Equal(["App", "App/pool", "App/pool/max", "App/list/0"], skipped);
        Assert.All(entries, e => Assert.DoesNotContain("//", e.Key, StringComparison.Ordinal));
        Assert.Equal(entries, SecretJson.Flatten(document.RootElement, "App"));
    }
}
