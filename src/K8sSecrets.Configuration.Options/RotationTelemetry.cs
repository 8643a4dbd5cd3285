using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace K8sSecrets.Configuration;

/// <summary>
/// This package's instruments, on a <see cref="Meter"/> of the same name as the core package's, so
/// one subscription to <c>K8sSecrets.Configuration</c> sees them all. Tagged by type, name or
/// outcome, never by value.
/// </summary>
internal static class RotationTelemetry
{
    public const string MeterName = "K8sSecrets.Configuration";

    private static readonly Meter s_meter = new(MeterName, typeof(RotationTelemetry).Assembly.GetName().Version?.ToString(3));

    public static readonly Counter<long> OptionsRejected = s_meter.CreateCounter<long>(
        "k8ssecrets.options.rejected",
        unit: "{reload}",
        description: "Reloads whose options failed validation; the last valid options stay current.");

    public static readonly Counter<long> Restarts = s_meter.CreateCounter<long>(
        "k8ssecrets.restarts",
        unit: "{restart}",
        description: "Restarts of the application for changed secrets, tagged with their result (scheduled, cancelled, stopped).");

    public static TagList OptionsTags(Type optionsType, string name)
        => new() { { "options.type", optionsType.FullName ?? optionsType.Name }, { "options.name", name } };

    public static TagList RestartTags(string result) => new() { { "result", result } };
}
