using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Tests;

/// <summary>Expiry, audit events and traces of the refresh engine.</summary>
[Collection("engine")]
public sealed class OperationsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_reported_expiry_is_kept_through_unchanged_reads_and_replaced_by_the_next_snapshot()
    {
        var source = new ScriptedSource("expiry-kept");
        source.Set([("Key", "v1")], ("db/password", Start.AddDays(30), SecretExpiryKind.Expires), ("api", Start.AddDays(3), SecretExpiryKind.NextRotation));
        using var harness = Build(source, out var provider, out _);

        var health = provider.GetHealth();
        Assert.Equal("db/password", health.EarliestExpiry!.Name);
        Assert.Equal(Start.AddDays(30), health.EarliestExpiry.At);
        Assert.Equal("api", health.NextRotation!.Name);
        Assert.Equal(["api", "db/password"], health.Expiries.Select(e => e.Name));

        source.AnswerUnchanged = true;
        source.Set([("Key", "v1")]);
        await provider.RefreshAsync(CancellationToken.None); // forced: reads all, the expiries go
        Assert.Empty(provider.GetHealth().Expiries);

        source.Set([("Key", "v1")], ("db/password", Start.AddDays(40), SecretExpiryKind.Expires));
        await provider.RefreshAsync(CancellationToken.None);
        source.Set([("Key", "v1")], ("db/password", Start.AddDays(1), SecretExpiryKind.Expires));
        using var refreshes = new MetricCollector<long>(null, SecretsTelemetry.MeterName, "k8ssecrets.refreshes");
        source.Signals!.RequestRefresh(); // answered Unchanged: the previous expiry stays
        await Eventually.HoldsAsync(
            () => refreshes.GetMeasurementSnapshot().Any(m => Equals(m.Tags["source.name"], "expiry-kept") && Equals(m.Tags["result"], "unchanged")),
            "the unchanged read is recorded");
        Assert.Equal(Start.AddDays(40), provider.GetHealth().EarliestExpiry!.At);
    }

    [Fact]
    public void The_engine_finds_the_not_after_of_a_published_pem_certificate_and_never_logs_it()
    {
        var notAfter = new DateTimeOffset(2026, 12, 20, 12, 0, 0, TimeSpan.Zero);
        var pem = SelfSigned(notAfter) + SelfSigned(notAfter.AddYears(1));
        var source = new ScriptedSource("pem-cert");
        source.Set([("tls.crt", pem), ("bad.crt", "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----"), ("plain", "x")]);
        using var harness = Build(source, out var provider, out _);

        var expiry = Assert.Single(provider.GetHealth().Expiries);
        Assert.Equal("tls.crt", expiry.Name);
        Assert.Equal(SecretExpiryKind.Expires, expiry.Kind);
        Assert.Equal(notAfter, expiry.At);
        var unreadable = Assert.Single(harness.Logs.Records, r => r.Id.Name == "CertificateUnreadable");
        Assert.Contains("'bad.crt'", unreadable.Message, StringComparison.Ordinal);
        harness.Logs.AssertNoSentinel("not base64 at all");
        harness.Logs.AssertNoSentinel(pem.Split('\n')[1]);
    }

    [Fact]
    public async Task Crossing_7_days_and_1_day_logs_one_warning_each_and_passing_it_an_error()
    {
        var source = new ScriptedSource("expiry-warnings");
        source.Set([("Key", "v")], ("lease", Start.AddDays(8), SecretExpiryKind.Expires));
        using var harness = Build(source, out var provider, out _);
        using var gauge = new MetricCollector<double>(null, SecretsTelemetry.MeterName, "k8ssecrets.expiry");
        Assert.DoesNotContain(harness.Logs.Records, r => r.Id.Name == "ExpiresSoon");

        gauge.RecordObservableInstruments();
        var measured = Assert.Single(gauge.GetMeasurementSnapshot(), m => Equals(m.Tags["source.name"], "expiry-warnings"));
        Assert.Equal(TimeSpan.FromDays(8).TotalSeconds, measured.Value, precision: 3);
        Assert.Equal("expires", measured.Tags["expiry.kind"]);

        await harness.AdvanceUntilAsync(() => Count(harness, "ExpiresSoon") == 1, TimeSpan.FromHours(6), "the 7-day threshold is crossed");
        await harness.AdvanceUntilAsync(() => Count(harness, "ExpiresSoon") == 2, TimeSpan.FromHours(6), "the 1-day threshold is crossed");
        await harness.AdvanceUntilAsync(() => Count(harness, "Expired") == 1, TimeSpan.FromHours(6), "the expiry passes");
        Assert.Equal(2, Count(harness, "ExpiresSoon"));
        Assert.Contains(harness.Logs.Records, r => r.Id.Name == "ExpiresSoon" && r.Level == LogLevel.Warning && r.Message.Contains("'lease'", StringComparison.Ordinal));

        // A rotation moves the expiry out: no log; a later approach warns again.
        source.Set([("Key", "v2")], ("lease", harness.Time.GetUtcNow().AddDays(30), SecretExpiryKind.Expires));
        await provider.RefreshAsync(CancellationToken.None); // publishes and checks the expiry before it returns
        Assert.Equal(Start.AddDays(30), provider.GetHealth().EarliestExpiry!.At - (harness.Time.GetUtcNow() - Start));
        Assert.Equal(2, Count(harness, "ExpiresSoon"));
        Assert.Equal(1, Count(harness, "Expired"));
    }

    [Fact]
    public async Task Each_published_change_writes_one_audit_event_with_key_names_and_identity_never_values()
    {
        const string Sentinel = "s3ntinel-audit-value";
        var source = new ScriptedSource("audited") { Who = "Vault Kubernetes auth (role 'web')", Version = "7" };
        source.Set([("Keep", "same"), ("Change", "one"), ("Drop", "x")]);
        using var harness = Build(source, out var provider, out _);

        source.Version = "8";
        source.Set([("Keep", "same"), ("Change", Sentinel), ("New", Sentinel)]);
        await provider.RefreshAsync(CancellationToken.None);

        var audits = harness.Logs.Records.Where(r => r.Category == SecretsConfigurationProvider.AuditCategory).ToList();
        Assert.Equal(2, audits.Count); // the first load and the change
        var change = audits[1];
        Assert.Equal("SecretsChanged", change.Id.Name);
        var state = change.StructuredState!.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("audited", state["Name"]);
        Assert.Equal("8", state["Version"]);
        Assert.Equal("scripted 'audited' published version 8 read as Vault Kubernetes auth (role 'web'): added [New], changed [Change], removed [Drop].", change.Message);
        Assert.Equal("Vault Kubernetes auth (role 'web')", state["Identity"]);
        harness.Logs.AssertNoSentinel(Sentinel);

        await provider.RefreshAsync(CancellationToken.None);
        Assert.Equal(2, harness.Logs.Records.Count(r => r.Category == SecretsConfigurationProvider.AuditCategory));
    }

    [Fact]
    public async Task A_rotation_is_one_information_line_and_what_the_source_does_not_know_is_left_out()
    {
        var source = new ScriptedSource("anonymous");
        source.Set([("Key", "v1")]);
        using var harness = Build(source, out var provider, out _);
        var before = harness.Logs.Records.Count;

        source.Set([("Key", "v2"), ("Added", "x")]);
        Assert.True(await provider.RefreshAsync(CancellationToken.None));

        var lines = harness.Logs.Records.Skip(before).ToList();
        var information = Assert.Single(lines, r => r.Level >= LogLevel.Information);
        Assert.Equal(SecretsConfigurationProvider.AuditCategory, information.Category);
        Assert.Equal("scripted 'anonymous' published a change: added [Added], changed [Key], removed [].", information.Message);
        Assert.DoesNotContain(information.StructuredState!, p => p.Key is "Version" or "Identity");
        Assert.Contains(lines, r => r.Id.Name == "Published" && r.Level == LogLevel.Debug);
        Assert.All(harness.Logs.Records, r => Assert.DoesNotMatch(@"\((null|none|unknown)\)", r.Message));
    }

    [Fact]
    public async Task A_refresh_is_a_span_under_the_callers_activity_with_its_result_and_version()
    {
        var spans = new List<Activity>();
        using var listener = Listen(spans, SecretsTelemetry.MeterName);
        var source = new ScriptedSource("traced") { Version = "v1" };
        source.Set([("Key", "hunter2")]);
        using var harness = Build(source, out var provider, out _);

        source.Version = "v2";
        source.Set([("Key", "hunter3")]);
        using (var parent = new Activity("app-request").Start())
        {
            await provider.RefreshAsync(CancellationToken.None);
            var span = Assert.Single(Mine(spans, "traced"), s => s.ParentSpanId == parent.SpanId);
            Assert.Equal("k8ssecrets.refresh", span.OperationName);
            Assert.Equal(parent.TraceId, span.TraceId);
            Assert.Equal("changed", span.GetTagItem("result"));
            Assert.Equal("v2", span.GetTagItem("version"));
            Assert.Equal("scripted", span.GetTagItem("source.kind"));
            Assert.Equal("Forced", span.GetTagItem("refresh.reason"));
            Assert.Equal(0, span.GetTagItem("retry.count"));
            Assert.DoesNotContain(span.TagObjects, t => t.Value is string s && s.Contains("hunter", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_store_request_is_a_span_with_the_http_clients_span_under_it_and_no_query()
    {
        var spans = new List<Activity>();
        using var listener = Listen(spans, SecretsTelemetry.MeterName, "System.Net.Http");
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        using var client = new HttpClient { BaseAddress = server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/secret/data/app?token=hunter2");
        using (var parent = new Activity("refresh-under-test").Start())
        {
            using var response = await SecretStoreHttp.SendAsync(client, request, "Test store", null, CancellationToken.None);
        }

        Activity ours;
        lock (spans)
        {
            ours = Assert.Single(spans, s => s.OperationName == "k8ssecrets.store.request" && Equals(s.GetTagItem("store"), "Test store"));
        }

        Assert.Equal("/v1/secret/data/app", ours.GetTagItem("url.path"));
        Assert.Equal(404, ours.GetTagItem("http.response.status_code"));
        Assert.Equal("error", ours.GetTagItem("result"));
        lock (spans)
        {
            Assert.Contains(spans, s => s.Source.Name == "System.Net.Http" && s.ParentSpanId == ours.SpanId);
        }

        Assert.DoesNotContain(ours.TagObjects, t => t.Value is string s && s.Contains("hunter2", StringComparison.Ordinal));
    }

    private static EngineScope Build(ScriptedSource source, out SecretsConfigurationProvider provider, out FakeTimeProvider time)
    {
        var scope = new EngineScope(source);
        provider = scope.Provider;
        time = scope.Time;
        return scope;
    }

    private static int Count(EngineScope harness, string eventName) => harness.Logs.Records.Count(r => r.Id.Name == eventName);

    private static List<Activity> Mine(List<Activity> spans, string sourceName)
    {
        lock (spans)
        {
            return [.. spans.Where(s => Equals(s.GetTagItem("source.name"), sourceName))];
        }
    }

    private static ActivityListener Listen(List<Activity> spans, params string[] sources)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => sources.Contains(s.Name),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static string SelfSigned(DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=expiry-test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(notAfter.AddYears(-1), notAfter);
        return certificate.ExportCertificatePem() + "\n";
    }

    /// <summary>One configuration over a scripted source, on a fake clock, with captured logs.</summary>
    private sealed class EngineScope : IDisposable
    {
        private readonly SecretsHarness _secrets = new();

        public EngineScope(ScriptedSource source)
        {
            _secrets.Build(secrets =>
            {
                secrets.TimeProvider = Time;
                secrets.AddSource(_ => source);
            });
        }

        public FakeTimeProvider Time { get; } = new(Start);

        public LogCapture Logs => _secrets.Logs;

        public SecretsConfigurationProvider Provider => _secrets.Provider;

        public Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step, string because)
            => Eventually.HoldsAsync(
                () =>
                {
                    if (condition())
                    {
                        return true;
                    }

                    Time.Advance(step);
                    return condition();
                },
                because);

        public void Dispose() => _secrets.Dispose();
    }
}
