using System.Diagnostics;

namespace K8sSecrets.Configuration;

public static partial class SecretStoreHttp
{
    /// <summary>
    /// The span of one store request, under the refresh's span; the HTTP client's own span nests
    /// under it. Tags: the store (as named in errors: no credential), the method and the path (never
    /// the query, a header or a body). Nothing is allocated when nobody listens.
    /// </summary>
    private static Activity? StartRequestActivity(HttpClient client, HttpRequestMessage request, string store)
    {
        if (!SecretsTelemetry.Activities.HasListeners())
        {
            return null;
        }

        var activity = SecretsTelemetry.Activities.StartActivity("k8ssecrets.store.request", ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("store", store);
            activity.SetTag("http.request.method", request.Method.Method);
            var path = request.RequestUri is { IsAbsoluteUri: false } relative && client.BaseAddress is { } baseAddress
                ? new Uri(baseAddress, relative).AbsolutePath
                : PathOf(request);
            activity.SetTag("url.path", path);
        }

        return activity;
    }

    private static void EndRequestActivity(Activity? activity, HttpResponseMessage? response, string? error)
    {
        if (activity is null)
        {
            return;
        }

        if (response is not null)
        {
            activity.SetTag("http.response.status_code", (int)response.StatusCode);
            activity.SetTag("result", response.IsSuccessStatusCode ? "ok" : "error");
        }
        else
        {
            activity.SetTag("result", "failed");
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
    }
}
