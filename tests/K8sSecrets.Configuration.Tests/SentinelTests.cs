using System.Text;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Tests;

/// <summary>A sentinel secret goes through every failure path; it must never reach logs, exceptions or ToString().</summary>
public sealed class SentinelTests
{
    private const string Sentinel = "SENTINEL-9f1c2e7a-do-not-log";

    [Fact]
    public async Task The_sentinel_never_reaches_logs_exceptions_or_descriptions()
    {
        using var volume = new KubeletVolume();
        var oversized = Encoding.UTF8.GetBytes(Sentinel + new string('x', SecretSnapshot.MaxValueBytes));
        byte[] notUtf8 = [.. Encoding.UTF8.GetBytes(Sentinel), 0xFF];
        volume.Write(new Dictionary<string, byte[]>
        {
            ["password"] = Encoding.UTF8.GetBytes(Sentinel),
            ["big"] = oversized,
            ["binary"] = notUtf8,
        });
        using var harness = new VolumeHarness(
            volume.Root,
            v => v.PollInterval = TimeSpan.FromMilliseconds(50),
            s => s.MinRetryDelay = TimeSpan.FromMilliseconds(20));
        Assert.Equal(Sentinel, harness.Root["password"]);

        volume.Write(("password", Sentinel + "-2"));
        await Eventually.HoldsAsync(() => harness.Root["password"] == Sentinel + "-2", "the rotation is published");
        Directory.Delete(volume.Root, recursive: true);
        await Eventually.HoldsAsync(() => harness.Provider.GetHealth().ConsecutiveFailures > 0, "the outage is recorded");

        harness.Logs.AssertNoSentinel(Sentinel);
        Assert.DoesNotContain(Sentinel, harness.Provider.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, harness.Provider.GetHealth().LastError ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, harness.Provider.Source.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(harness.Logs.Records);
    }

    [Fact]
    public void A_store_exception_carrying_the_sentinel_is_withheld_from_logs_and_the_build_error()
    {
        var source = new FakeSecretSource();
        source.Fail(new HttpRequestException("response body: " + Sentinel));
        using var logs = new LogCapture();
        var error = Assert.Throws<SecretSourceException>(() => new ConfigurationBuilder()
            .AddKubernetesSecrets(s =>
            {
                s.LoggerFactory = logs.Factory;
                s.AddSource(_ => source);
            })
            .Build());
        Assert.DoesNotContain(Sentinel, error.ToString(), StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        logs.AssertNoSentinel(Sentinel);
        Assert.Contains(logs.Records, r => r.Message.Contains(nameof(HttpRequestException), StringComparison.Ordinal));
    }
}
