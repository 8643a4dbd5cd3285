using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.HealthChecks.Tests;

public sealed partial class MonitoringFilesTests
{
    [Fact]
    public void The_alerts_and_dashboard_name_only_emitted_metrics_and_the_dashboard_shows_them_all()
    {
        var emitted = EmittedPrometheusNames();
        Assert.Contains("k8ssecrets_refreshes_total", emitted);
        Assert.Contains("k8ssecrets_expiry_seconds", emitted);

        var alerts = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "monitoring", "alerts.yaml"));
        var dashboard = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "monitoring", "grafana-dashboard.json"));
        foreach (var (file, text) in new[] { ("alerts.yaml", alerts), ("grafana-dashboard.json", dashboard) })
        {
            var named = Named(text);
            Assert.NotEmpty(named);
            var unknown = named.Where(n => !emitted.Contains(n)).ToList();
            Assert.True(unknown.Count == 0, $"{file} names metrics the library does not emit: {string.Join(", ", unknown)}");
        }

        var missing = emitted.Where(n => !Named(dashboard).Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"The dashboard does not show: {string.Join(", ", missing)}");
    }

    /// <summary>
    /// The Prometheus names of every instrument on the library's meter, by the OpenTelemetry
    /// Prometheus exporter's rules: dots become underscores, a unit "s" adds "_seconds", a unit in
    /// braces adds nothing, a counter ends in "_total". (The web sample test checks these names
    /// against the real exporter's /metrics.)
    /// </summary>
    internal static HashSet<string> EmittedPrometheusNames()
    {
        // Publishing a provider makes sure the library's instruments exist.
        using var volume = new KubeletVolume();
        volume.Write(("Key", "value"));
        using var root = (IDisposable)new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromVolume(volume.Root)).Build();

        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == "K8sSecrets.Configuration")
                {
                    names.Add(ToPrometheus(instrument));
                }
            },
        };
        listener.Start();
        return names;
    }

    internal static string ToPrometheus(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        var unit = instrument.Unit switch
        {
            "s" => "_seconds",
            null or "" => string.Empty,
            var u when u.StartsWith('{') => string.Empty,
            var u => "_" + u,
        };
        if (!name.EndsWith(unit, StringComparison.Ordinal))
        {
            name += unit;
        }

        var counter = instrument.GetType().IsGenericType
            && instrument.GetType().GetGenericTypeDefinition() is var definition
            && (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>));
        return counter ? name + "_total" : name;
    }

    private static HashSet<string> Named(string text)
        => [.. MetricName().Matches(text).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", string.Empty))];

    [GeneratedRegex("k8ssecrets_[a-z_]+")]
    private static partial Regex MetricName();
}
