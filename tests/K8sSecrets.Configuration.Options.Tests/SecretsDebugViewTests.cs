using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Options.Tests;

public sealed class SecretsDebugViewTests
{
    private const string Sentinel = "SENTINEL-31d7-debug-view";

    [Fact]
    public void Secret_values_show_as_their_length_with_their_provider_and_other_values_stay_visible()
    {
        using var volume = new KubeletVolume();
        volume.Write(("Password", Sentinel), ("User", "app-user"));
        using var host = RotationHost.Build(volume.Root, b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:Level"] = "Debug",
            ["Database:Host"] = "db.internal",
        }));

        var view = host.Root.GetSecretsDebugView();

        Assert.DoesNotContain(Sentinel, view, StringComparison.Ordinal);
        Assert.DoesNotContain("app-user", view, StringComparison.Ordinal);
        var lines = view.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith($"Password=[secret, {Sentinel.Length} chars] (SecretsConfigurationProvider for volume", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("User=[secret, 8 chars] (SecretsConfigurationProvider", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Host=db.internal (MemoryConfigurationProvider)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Level=Debug (MemoryConfigurationProvider)", StringComparison.Ordinal));
        Assert.Contains(Sentinel, host.Root.GetDebugView(), StringComparison.Ordinal);
    }
}
