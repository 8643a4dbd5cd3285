using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sSecrets.Configuration;

/// <summary>
/// The small HTTP kit of REST secret stores (Vault in this repository, and any store written
/// outside it): a handler that never follows a redirect and can trust a private CA, sending with
/// errors that name the store, the path and the cause (never a response body), a size-capped body
/// read, and <c>Retry-After</c> parsing.
/// </summary>
/// <remarks>
/// The <c>store</c> argument of these methods is how the store is named in error messages, for
/// example <c>Vault at https://vault.vault.svc:8200</c>; it must hold no credential (no user info).
/// </remarks>
public static partial class SecretStoreHttp
{
    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Creates the handler of a store's <see cref="HttpClient"/>: redirects are never followed (a
    /// token must not travel to another host), pooled connections are replaced every 5 minutes (so
    /// DNS changes are seen), and TLS is always verified, host name included.
    /// </summary>
    /// <param name="caBundlePath">A PEM file of the certificate authorities to trust instead of the
    /// system's trust store, or <see langword="null"/> for the system's. Only these roots are trusted;
    /// the intermediates the server presents are used to reach them.</param>
    /// <param name="clientCertificate">A certificate with its private key to present for mutual TLS,
    /// or <see langword="null"/>.</param>
    /// <returns>A new handler; the caller disposes it (usually through its <see cref="HttpClient"/>).</returns>
    /// <exception cref="SecretSourceException">The CA bundle cannot be read or holds no certificate.</exception>
    public static SocketsHttpHandler CreateHandler(string? caBundlePath, X509Certificate2? clientCertificate)
        => CreateHandler(string.IsNullOrEmpty(caBundlePath) ? null : LoadCaBundle(caBundlePath), clientCertificate);

    /// <summary>Creates the handler of a store's <see cref="HttpClient"/>, trusting the given roots (for a bundle that is not a file, such as one inlined in a manifest).</summary>
    /// <param name="trustedRoots">The certificate authorities to trust instead of the system's, or
    /// <see langword="null"/> (or empty) for the system's trust store.</param>
    /// <param name="clientCertificate">A certificate with its private key for mutual TLS, or <see langword="null"/>.</param>
    /// <returns>A new handler; the caller disposes it.</returns>
    public static SocketsHttpHandler CreateHandler(X509Certificate2Collection? trustedRoots, X509Certificate2? clientCertificate)
    {
        var roots = trustedRoots is { Count: > 0 } ? trustedRoots : null;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = PooledConnectionLifetime,
        };

        if (roots is not null)
        {
            // The handshake builds the chain with this policy and adds the certificates the server
            // sent (its intermediates) to the policy's extra store; the host name is still checked.
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(roots);
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }

    /// <summary>
    /// Sends a request and returns as soon as the headers arrived. Transport failures and timeouts
    /// become a <see cref="SecretSourceException"/> naming <paramref name="store"/>, the request's
    /// path (never its query) and the cause, and naming TLS when the handshake failed.
    /// </summary>
    /// <param name="client">The client; its <see cref="HttpClient.Timeout"/> bounds the wait for the headers.</param>
    /// <param name="request">The request.</param>
    /// <param name="store">How the store is named in errors.</param>
    /// <param name="caBundlePath">The CA bundle the handler trusts, named when TLS fails, or
    /// <see langword="null"/> when it trusts the system's store.</param>
    /// <param name="cancellationToken">Cancels the call; its cancellation is not turned into an error.</param>
    /// <returns>The response, whatever its status; the caller disposes it.</returns>
    /// <exception cref="SecretSourceException">No response arrived.</exception>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, string store, string? caBundlePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(store);
        using var activity = StartRequestActivity(client, request, store);
        try
        {
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            EndRequestActivity(activity, response, null);
            return response;
        }
        catch (HttpRequestException ex)
        {
            var failure = TransportFailure(ex, store, PathOf(request), caBundlePath);
            EndRequestActivity(activity, null, failure.Message);
            throw failure;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var failure = new SecretSourceException($"{store} did not answer {PathOf(request)} in time (timeout {client.Timeout.TotalSeconds:0} s).", ex) { IsTransient = true };
            EndRequestActivity(activity, null, failure.Message);
            throw failure;
        }
    }

    internal static SecretSourceException TransportFailure(HttpRequestException exception, string store, string path, string? caBundlePath)
    {
        if (exception.HttpRequestError == HttpRequestError.SecureConnectionError || Holds<AuthenticationException>(exception))
        {
            var trust = string.IsNullOrEmpty(caBundlePath) ? "the system trust store" : $"the CA bundle '{caBundlePath}'";
            return new SecretSourceException(
                $"The TLS handshake with {store} failed for {path}: its certificate is not trusted by {trust} or its name does not match the address. "
                + "Trust the CA that signs it, or use an address its certificate names.",
                exception)
            { IsTransient = true };
        }

        if (exception.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse)
        {
            return Invalid(store, path, $"the response was cut short or is not HTTP ({exception.HttpRequestError})", exception);
        }

        var inner = exception.InnerException is System.Net.Sockets.SocketException socket ? ", " + socket.SocketErrorCode : string.Empty;
        return new SecretSourceException($"{store} could not be reached for {path} ({exception.HttpRequestError}{inner}).", exception) { IsTransient = true };
    }

    internal static SecretSourceException Invalid(string store, string path, string why, Exception? inner)
        => new($"invalid response from {store} to {path}: {why}.", inner) { IsTransient = true };

    /// <summary>The request's operation name (see <see cref="SetOperationName"/>), else its path only: no user info, no query (which may hold a credential).</summary>
    internal static string PathOf(HttpRequestMessage? request)
        => OperationOf(request) is { } operation ? operation
            : request?.RequestUri is not { } uri ? "(unknown path)"
            : uri.IsAbsoluteUri ? uri.AbsolutePath
            : uri.OriginalString.Split('?', 2)[0];

    private static X509Certificate2Collection LoadCaBundle(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new SecretSourceException($"The CA bundle '{path}' could not be read as PEM certificates ({ex.GetType().Name}).", ex) { IsTransient = false };
        }

        return roots.Count > 0
            ? roots
            : throw new SecretSourceException($"The CA bundle '{path}' holds no PEM certificate.") { IsTransient = false };
    }

    private static bool Holds<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is T)
            {
                return true;
            }
        }

        return false;
    }
}
