using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Options.Tests;

/// <summary>The core hook RestartWhenChanged rests on.</summary>
public sealed class ProviderHookTests
{
    [Fact]
    public void OnProviderCreated_sees_every_provider_of_its_builder_before_the_first_load_and_a_throwing_callback_fails_the_build()
    {
        using var first = new KubeletVolume();
        using var second = new KubeletVolume();
        first.Write(("a", "1"));
        second.Write(("b", "2"));
        var seen = new List<(SecretsConfigurationProvider Provider, bool Loaded)>();

        var root = new ConfigurationBuilder()
            .AddKubernetesSecrets(s => s
                .OnProviderCreated(p => seen.Add((p, p.GetHealth().LastSuccess is not null)))
                .FromVolume(first.Root)
                .FromVolume(second.Root))
            .AddKubernetesSecrets(s => s.FromVolume(first.Root))
            .Build();

        var providers = root.Providers.OfType<SecretsConfigurationProvider>().ToList();
        Assert.Equal(providers.Take(2), seen.Select(s => s.Provider));
        Assert.All(seen, s => Assert.False(s.Loaded));
        Assert.Equal("2", root["b"]);
        (root as IDisposable)?.Dispose();

        var error = Assert.Throws<InvalidOperationException>(() => new ConfigurationBuilder()
            .AddKubernetesSecrets(s => s.FromVolume(first.Root).OnProviderCreated(_ => throw new InvalidOperationException("hook failed")))
            .Build());
        Assert.Equal("hook failed", error.Message);
        Assert.Equal("callback", Assert.Throws<ArgumentNullException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s => s.OnProviderCreated(null!))).ParamName);
    }
}
