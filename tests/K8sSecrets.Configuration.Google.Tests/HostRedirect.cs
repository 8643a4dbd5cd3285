namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>
/// Sends requests for any host (for example <c>https://secretmanager.europe-west1.rep.googleapis.com/</c>)
/// to a fake on loopback over plain HTTP, keeping the original <c>Host</c> header so that the fake can
/// answer as that endpoint would. Records the URIs the client asked for.
/// </summary>
public sealed class HostRedirect(Uri target) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false })
{
    public System.Collections.Concurrent.ConcurrentQueue<Uri> Asked { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var asked = request.RequestUri!;
        Asked.Enqueue(asked);
        request.Headers.Host = asked.IsDefaultPort ? asked.Host : asked.Authority;
        request.RequestUri = new UriBuilder(asked) { Scheme = Uri.UriSchemeHttp, Host = target.Host, Port = target.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}
