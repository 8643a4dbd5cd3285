namespace K8sSecrets.Configuration;

/// <summary>What an informer needs from the source that owns it.</summary>
internal interface IInformerOwner
{
    /// <summary>Gets the connection, creating the client on first use.</summary>
    ApiConnection Connect();

    /// <summary>Forgets the cached service-account token after a 401; false when there is none to re-read.</summary>
    bool ReloadToken();

    /// <summary>Called after the data of a Secret changed.</summary>
    void DataChanged();

    /// <summary>Called when a failure streak starts or ends.</summary>
    void StatusChanged();
}
