using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace K8sSecrets.Configuration.Npgsql;

/// <summary>
/// This package's instruments, on a <see cref="Meter"/> of the same name as the core package's, so
/// one subscription to <c>K8sSecrets.Configuration</c> sees them all. Tagged by the configuration path
/// and the outcome, never by a user name or a password.
/// </summary>
internal static class NpgsqlRotationTelemetry
{
    public const string MeterName = "K8sSecrets.Configuration";

    private static readonly Meter s_meter = new(MeterName, typeof(NpgsqlRotationTelemetry).Assembly.GetName().Version?.ToString(3));

    public static readonly Counter<long> Rotations = s_meter.CreateCounter<long>(
        "k8ssecrets.npgsql.rotations",
        unit: "{rotation}",
        description: "Credentials switched to (kind: password, for the same pool; pool, for a new user or server), or refused (kind: rejected) because they failed to log in.");

    public static readonly Counter<long> PoolsDisposed = s_meter.CreateCounter<long>(
        "k8ssecrets.npgsql.pools.disposed",
        unit: "{pool}",
        description: "Replaced pools disposed, drained (result: drained) or at the end of the drain timeout (result: timeout).");

    public static TagList Tags(string name, string kind) => new() { { "datasource.name", name }, { "kind", kind } };

    public static TagList DisposedTags(string name, string result) => new() { { "datasource.name", name }, { "result", result } };
}
