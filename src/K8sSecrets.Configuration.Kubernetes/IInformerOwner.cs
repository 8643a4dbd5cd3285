namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>What an informer needs from the source that owns it.</summary>
internal interface IInformerOwner
{
    /// <summary>Gets the connection, creating the client on first use.</summary>
    ApiConnection Connect();

    /// <summary>Forgets the cached credentials (service-account token, kubeconfig token or exec plugin) after a 401; false when there are none to re-read.</summary>
    bool ReloadToken();

    /// <summary>Called after the data of a Secret changed.</summary>
    void DataChanged();

    /// <summary>Called after each failed list or watch (<paramref name="failure"/> set) and when a failure streak ends (null).</summary>
    void Report(SecretInformer informer, ApiFailure? failure);
}
