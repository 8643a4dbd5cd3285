using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using static K8sSecrets.Configuration.Kubernetes.Tests.ApiHarness;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>The same Secret read through the API and mounted as a volume gives the same configuration.</summary>
public sealed class MountParityTests
{
    [Fact]
    public async Task Api_and_volume_give_identical_keys_and_values()
    {
        var payload = new Dictionary<string, byte[]>
        {
            ["ConnectionStrings__Db"] = "Server=db;Password=p\n"u8.ToArray(),
            ["two_newlines"] = "line\n\n"u8.ToArray(),
            ["crlf"] = "windows\r\n"u8.ToArray(),
            ["bom"] = [0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i'],
            ["binary"] = [0x00, 0xFF, 0xFE, 0x80, 0x0A],
            ["empty"] = [],
            ["unicode"] = "héllo ✓"u8.ToArray(),
            ["Api__Key"] = "k"u8.ToArray(),
        };
        using var volume = new KubeletVolume();
        volume.Write(payload);
        await using var h = await StartAsync();
        h.Server.Put(Ns, "app", payload);

        var fromVolume = new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromVolume(volume.Root, v => v.Section = "App")).Build();
        var fromApi = h.Build(o =>
        {
            o.SecretNames.Add("app");
            o.Section = "App";
        });
        try
        {
            var expected = fromVolume.AsEnumerable().Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
            var actual = fromApi.AsEnumerable().Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
            Assert.Equal(payload.Count, expected.Count);
            Assert.Equal(expected, actual);
            Assert.Equal("Server=db;Password=p", fromApi["App:ConnectionStrings:Db"]);
            Assert.Equal(Convert.ToBase64String(payload["binary"]), fromApi["App:binary"]);
        }
        finally
        {
            (fromVolume as IDisposable)?.Dispose();
        }
    }
}
