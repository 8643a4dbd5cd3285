using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Tests;

public sealed class VolumeSmokeTests
{
    [Fact]
    public async Task Kubelet_volume_loads_and_rotates()
    {
        using var volume = new KubeletVolume();
        volume.Write(("username", "admin\n"), ("password", "one"));
        var config = new ConfigurationBuilder().AddKubernetesSecrets(volume.Root).Build();
        try
        {
            Assert.Equal("admin", config["username"]);
            Assert.Equal("one", config["password"]);
            volume.Write(("username", "admin\n"), ("password", "two"));
            await Eventually.HoldsAsync(() => config["password"] == "two", "the rotated password is visible");
        }
        finally
        {
            (config as IDisposable)?.Dispose();
        }
    }
}
