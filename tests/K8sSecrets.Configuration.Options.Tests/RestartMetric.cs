namespace K8sSecrets.Configuration.Options.Tests;

/// <summary>The restart metric is process-wide: tests that schedule restarts or count them run one at a time.</summary>
internal static class RestartMetric
{
    public const string Collection = "restart metric";
}
