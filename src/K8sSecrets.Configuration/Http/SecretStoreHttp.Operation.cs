namespace K8sSecrets.Configuration;

/// <summary>Naming a request by its operation rather than its path.</summary>
public static partial class SecretStoreHttp
{
    private static readonly HttpRequestOptionsKey<string> OperationKey = new("K8sSecrets.Configuration.SecretStoreHttp.Operation");

    /// <summary>
    /// Names a request in the errors of <see cref="SendAsync"/> and <see cref="ReadBodyAsync(HttpResponseMessage, string, int, TimeSpan, CancellationToken)"/>
    /// by an operation instead of its path, for protocols that send every call to the same path
    /// (the AWS JSON protocol posts each action, such as <c>ListSecrets</c>, to <c>/</c>).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="operation">The operation's name; it must hold no credential.</param>
    public static void SetOperationName(HttpRequestMessage request, string operation)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        request.Options.Set(OperationKey, operation);
    }

    private static string? OperationOf(HttpRequestMessage? request)
        => request is not null && request.Options.TryGetValue(OperationKey, out var operation) ? operation : null;
}
