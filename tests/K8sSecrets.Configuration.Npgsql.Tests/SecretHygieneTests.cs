using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace K8sSecrets.Configuration.Npgsql.Tests;

/// <summary>No password in a log (ours or Npgsql's), an exception, a span, a metric, the health report or a printed connection string.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SecretHygieneTests(PostgresFixture fixture)
{
    private const string First = "SENTINEL-first-9c1e";
    private const string Rotated = "SENTINEL-rotated-4b7d";
    private const string Wrong = "SENTINEL-wrong-2a8f";
    private const string NewUsers = "SENTINEL-newuser-6d0b";

    [Fact]
    public async Task A_sentinel_password_never_reaches_logs_exceptions_spans_metrics_health_or_connection_strings()
    {
        var seen = new StringBuilder();
        using var spans = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TagObjects.Any(t => t.Key == "server.address" && t.Value is string address && address.StartsWith('/')))
                {
                    return; // the test's own DBA statements (CREATE ROLE … PASSWORD), over the Unix socket
                }

                lock (seen)
                {
                    seen.Append(a.DisplayName).Append(" ").Append(string.Join(",", a.TagObjects.Select(t => $"{t.Key}={t.Value}"))).AppendLine();
                }
            },
        };
        ActivitySource.AddActivityListener(spans);
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument);
        meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            lock (seen)
            {
                seen.Append(instrument.Name).Append(string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))).AppendLine();
            }
        });
        meters.Start();

        var (user, next) = (fixture.NewUserName("hyg"), fixture.NewUserName("hygnext"));
        await fixture.Server.CreateUserAsync(user, First);
        await fixture.Server.CreateUserAsync(next, NewUsers);
        await using var world = new DatabaseWorld(DatabaseWorld.Section(fixture.Server, user, First));
        await using var held = await world.DataSource.OpenConnectionAsync();
        var printed = new List<string?> { world.DataSource.ConnectionString, world.DataSource.ToString(), held.ConnectionString, world.DbDataSource.ConnectionString };

        // Password rotated, then a wrong one, then a new user: every path that logs.
        await fixture.Server.SetPasswordAsync(user, Rotated);
        world.Set(("Database:Password", Rotated));
        await world.WaitAsync(h => h.LastRotation is not null, "the rotated password is taken");
        world.Set(("Database:Password", Wrong));
        await world.WaitAsync(h => h.ConsecutiveFailures == 1, "the wrong password is refused");
        var degraded = await world.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        // A login refused with no newer credentials to try: the open fails, and its exception is clean.
        await fixture.Server.SetPasswordAsync(user, "the-DBA-changed-it");
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var second = await world.DataSource.OpenConnectionAsync();
        });

        world.Set(("Database:Username", next), ("Database:Password", NewUsers));
        await world.WaitAsync(h => h.Pool == 2, "the new user's pool is current");
        await using (var connection = await world.DataSource.OpenConnectionAsync())
        {
            printed.Add(connection.ConnectionString);
            await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync();
        }

        printed.Add(world.DataSource.ConnectionString);
        var everything = string.Join("\n", printed) + "\n" + refused + "\n" + degraded.Entries["npgsql:Database"].Description
            + "\n" + string.Join(",", degraded.Entries["npgsql:Database"].Data.Values) + "\n" + world.DataSource.Health.LastError + "\n" + seen;
        foreach (var sentinel in new[] { First, Rotated, Wrong, NewUsers })
        {
            world.Logs.AssertNoSentinel(sentinel);
            Assert.True(!everything.Contains(sentinel, StringComparison.Ordinal), everything);
        }

        Assert.Contains("k8ssecrets.npgsql.rotations", seen.ToString(), StringComparison.Ordinal);
        Assert.Contains($"Username={next}", seen.ToString(), StringComparison.Ordinal); // the app's own spans were seen
        Assert.Contains(user, world.Logs.AllText(), StringComparison.Ordinal);
    }
}
