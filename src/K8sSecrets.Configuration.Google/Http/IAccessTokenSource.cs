namespace K8sSecrets.Configuration.Google.Http;

/// <summary>Access tokens for the <c>Authorization: Bearer</c> header.</summary>
internal interface IAccessTokenSource
{
    /// <summary>Gets a token that is valid now; the credential refreshes it before it expires.</summary>
    Task<string> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Gets a fresh token after <paramref name="rejected"/> was refused with 401. Concurrent callers
    /// holding the same rejected token share one refresh.
    /// </summary>
    Task<string> RefreshAsync(string rejected, CancellationToken cancellationToken);
}
