using System.Net.Http;

namespace K8sSecrets.Configuration.AspNetCore;

/// <summary>Settings of an <see cref="HttpClient"/> whose client certificate and trust follow a rotating Secret.</summary>
public sealed class KubernetesSecretsClientCertificateOptions
{
    /// <summary>
    /// Gets or sets how long the connections of a superseded certificate may finish what they were
    /// doing. A request sent after a new certificate is published never uses them (it opens a new
    /// connection that presents the new certificate); they are closed when idle and, at the latest,
    /// this long after the publish, cutting a response still being read then.
    /// </summary>
    /// <value>The default is 2 minutes.</value>
    public TimeSpan RetiredConnectionLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets a callback that adjusts each <see cref="SocketsHttpHandler"/> built (one per
    /// certificate generation): timeouts, proxy, pool sizes. Its <c>SslOptions</c> client
    /// certificate and chain policy are set after it runs.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Action<SocketsHttpHandler>? ConfigureHandler { get; set; }
}
