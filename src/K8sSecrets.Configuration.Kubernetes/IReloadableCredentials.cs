namespace K8sSecrets.Configuration;

/// <summary>Credentials the source built itself and can read again after the API server answered 401.</summary>
internal interface IReloadableCredentials
{
    /// <summary>Forgets the cached credentials so that the next request reads them again.</summary>
    void Invalidate();
}
