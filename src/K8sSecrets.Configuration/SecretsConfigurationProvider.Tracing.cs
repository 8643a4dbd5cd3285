using System.Diagnostics;

namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    /// <summary>
    /// Starts the span of one refresh, or returns <see langword="null"/> (and allocates nothing) when
    /// nobody listens to the <c>K8sSecrets.Configuration</c> activity source. Store requests made
    /// during the read nest under it, and it nests under the caller's current activity.
    /// </summary>
    private Activity? StartRefreshActivity(SecretLoadContext context)
    {
        if (!SecretsTelemetry.Activities.HasListeners())
        {
            return null;
        }

        var activity = SecretsTelemetry.Activities.StartActivity("k8ssecrets.refresh", ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("source.kind", Source.Kind);
            activity.SetTag("source.name", Source.Name);
            activity.SetTag("refresh.reason", context.Reason.ToString());
            activity.SetTag("retry.count", context.ConsecutiveFailures);
        }

        return activity;
    }

    private static void EndRefreshActivity(Activity? activity, string result, string? version, string? error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("result", result);
        if (version is not null)
        {
            activity.SetTag("version", version);
        }

        if (error is not null)
        {
            // The description is the one failures are logged with: it never holds a value or a body.
            activity.SetStatus(ActivityStatusCode.Error, error);
        }

        activity.Dispose();
    }
}
