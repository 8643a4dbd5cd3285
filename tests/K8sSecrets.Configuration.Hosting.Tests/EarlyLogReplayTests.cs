using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;

namespace K8sSecrets.Configuration.Hosting.Tests;

/// <summary>
/// The records kept before the host's logging exists (the first loads happen while configuration is
/// built) are replayed once when the host starts. What is replayed must hold no secret: neither a
/// value published before the start, nor the text of a failed first read's exception (a store client's
/// message, or the inner exception our own error wraps, may quote a body).
/// </summary>
public sealed class EarlyLogReplayTests
{
    private const string Sentinel = "SENTINEL-7c2d-replay-do-not-log";

    [Fact]
    public async Task The_replayed_records_hold_no_secret_from_a_failed_first_read_or_a_value_published_before_the_host_started()
    {
        var wrapped = new SwitchSource("wrapped", optional: true);
        wrapped.Fail(new SecretSourceException(
            "switch 'wrapped': the store answered 400 bad request",
            new HttpRequestException($"400 {{\"error\":\"bad token\",\"echo\":\"{Sentinel}\"}}", new FormatException(Sentinel))));
        var foreign = new SwitchSource("foreign", optional: true);
        foreign.Fail(new InvalidOperationException($"could not parse '{{\"password\":\"{Sentinel}\"}}'", new FormatException(Sentinel)));
        var published = new SwitchSource("published");
        published.Set(("Db:Password", Sentinel), ("Db:User", "payments"));

        var host = WebHost.Build(b => b.AddKubernetesSecrets(s => s.AddSource(_ => wrapped).AddSource(_ => foreign).AddSource(_ => published)));
        await using (host)
        {
            Assert.Equal(Sentinel, host.Configuration["Db:Password"]);
            Assert.Empty(host.Library); // kept, not yet written
            await host.StartAsync();

            // Each early event is replayed: the two failures (their safe parts) and the first publication.
            var replayed = host.Library;
            var failures = replayed.Where(r => r.Id.Name == "RefreshFailed").ToList();
            Assert.Equal(2, failures.Count);
            Assert.Contains(failures, r => r.Message.Contains("the store answered 400 bad request", StringComparison.Ordinal));
            Assert.Contains(failures, r => r.Message.Contains("System.InvalidOperationException (message withheld", StringComparison.Ordinal));
            Assert.Contains(replayed, r => r.Category == SecretsConfigurationProvider.AuditCategory && r.Message.Contains("Db:Password", StringComparison.Ordinal));

            // Nothing any sink could see, in any record of the host's logging, holds the secret.
            Assert.All(host.Logs.GetSnapshot(), record => Assert.DoesNotContain(Sentinel, Everything(record), StringComparison.Ordinal));
        }
    }

    /// <summary>The message, every state value, and the exception as a sink would write it (type, message, inner exceptions, stack).</summary>
    private static string Everything(FakeLogRecord record) => string.Join(
        "\n",
        record.Message,
        string.Join(",", record.StructuredState?.Select(s => s.Key + "=" + s.Value) ?? []),
        record.Exception?.ToString() ?? string.Empty);
}
