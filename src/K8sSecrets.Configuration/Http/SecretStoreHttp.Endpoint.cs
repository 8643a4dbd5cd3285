namespace K8sSecrets.Configuration;

/// <summary>Naming a store's endpoint, and the one rule for a credential in it.</summary>
public static partial class SecretStoreHttp
{
    /// <summary>Gets how a store's endpoint is named in messages and logs: <c>scheme://host:port</c>, never its user info, path or query.</summary>
    /// <param name="endpoint">An absolute endpoint.</param>
    /// <returns>The endpoint's scheme, host and port.</returns>
    public static string DescribeEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
    }

    /// <summary>
    /// The one rule for credentials in an address: an endpoint that holds user info
    /// (<c>https://user:password@host/</c>) is refused, not stripped, because no store authenticates
    /// with it and the address is named in errors, logs, health and traces. Gets why the endpoint
    /// cannot be used, without the user info itself, or <see langword="null"/> when it holds none.
    /// </summary>
    /// <param name="endpoint">An absolute endpoint.</param>
    /// <param name="authentication">How the store does authenticate, named as the fix, for example
    /// <c>"authenticate with UseToken"</c>.</param>
    /// <returns>A sentence to follow the setting's name (<c>"holds user info ..."</c>), or <see langword="null"/>.</returns>
    public static string? FindUserInfo(Uri endpoint, string authentication)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(authentication);
        return endpoint.IsAbsoluteUri && endpoint.UserInfo.Length > 0
            ? $"for {DescribeEndpoint(endpoint)} holds user info ('user:password@'), which the store does not use and which would leak into logs. Remove it and {authentication}"
            : null;
    }
}
