using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace K8sSecrets.Configuration;

/// <summary>The library's one <see cref="Meter"/>. Instruments are tagged by source kind and name, never by value.</summary>
internal static class SecretsTelemetry
{
    public const string MeterName = "K8sSecrets.Configuration";

    private static readonly Meter s_meter = new(MeterName, typeof(SecretsTelemetry).Assembly.GetName().Version?.ToString(3));
    private static readonly ConcurrentDictionary<SecretsConfigurationProvider, byte> s_live = new();

    /// <summary>The library's one activity source, named like the meter: a span per refresh and per store request.</summary>
    public static readonly ActivitySource Activities = new(MeterName, typeof(SecretsTelemetry).Assembly.GetName().Version?.ToString(3));

    public static readonly Counter<long> Refreshes = s_meter.CreateCounter<long>(
        "k8ssecrets.refreshes", unit: "{refresh}", description: "Reads of a secret source, tagged with their result (changed, unchanged, failed).");

    public static readonly Counter<long> Failures = s_meter.CreateCounter<long>(
        "k8ssecrets.refresh.failures", unit: "{failure}", description: "Failed reads of a secret source; the last good values stay published.");

    public static readonly Counter<long> Changes = s_meter.CreateCounter<long>(
        "k8ssecrets.changes", unit: "{change}", description: "Published changes, each raising one configuration reload.");

    public static readonly Histogram<double> Duration = s_meter.CreateHistogram<double>(
        "k8ssecrets.refresh.duration", unit: "s", description: "Time taken to read a secret source.");

    static SecretsTelemetry()
    {
        s_meter.CreateObservableGauge(
            "k8ssecrets.staleness",
            ObserveStaleness,
            unit: "s",
            description: "Seconds since each source was last read successfully.");
        s_meter.CreateObservableGauge(
            "k8ssecrets.expiry",
            ObserveExpiry,
            unit: "s",
            description: "Seconds until the earliest expiry (expiry.kind=expires) or planned rotation (expiry.kind=next_rotation) of what each source published; negative once passed.");
    }

    public static void Track(SecretsConfigurationProvider provider) => s_live.TryAdd(provider, 0);

    public static void Untrack(SecretsConfigurationProvider provider) => s_live.TryRemove(provider, out _);

    public static TagList Tags(SecretSource source, string? result = null)
    {
        var tags = new TagList { { "source.kind", source.Kind }, { "source.name", source.Name } };
        if (result is not null)
        {
            tags.Add("result", result);
        }

        return tags;
    }

    private static IEnumerable<Measurement<double>> ObserveStaleness()
    {
        foreach (var provider in s_live.Keys)
        {
            if (provider.GetHealth().Staleness is { } staleness)
            {
                yield return new Measurement<double>(staleness.TotalSeconds, Tags(provider.Source));
            }
        }
    }

    private static IEnumerable<Measurement<double>> ObserveExpiry()
    {
        foreach (var provider in s_live.Keys)
        {
            var (expires, rotation) = provider.EarliestByKind();
            var now = provider.Now;
            if (expires is not null)
            {
                var tags = Tags(provider.Source);
                tags.Add("expiry.kind", "expires");
                yield return new Measurement<double>((expires.At - now).TotalSeconds, tags);
            }

            if (rotation is not null)
            {
                var tags = Tags(provider.Source);
                tags.Add("expiry.kind", "next_rotation");
                yield return new Measurement<double>((rotation.At - now).TotalSeconds, tags);
            }
        }
    }
}
