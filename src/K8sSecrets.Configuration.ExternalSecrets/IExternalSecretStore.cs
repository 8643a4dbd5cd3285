namespace K8sSecrets.Configuration.ExternalSecrets;

/// <summary>
/// Translates one store provider of an ExternalSecret (<c>vault</c>, <c>aws</c>, ...) into a
/// secret source. Vault is built in; other stores come from their adapter packages and are added
/// with <see cref="ExternalSecretOptions.AddStore"/>, so reading Vault never pulls in a cloud SDK.
/// </summary>
/// <remarks>
/// The source returned must add, for each <see cref="ExternalSecretStoreRequest.RemoteRefs"/> entry,
/// one snapshot entry named by its <see cref="ExternalSecretRemoteRef.Id"/> holding the stored value
/// as text (for Vault, the secret's fields as JSON); or a failure under that name when it cannot be
/// read; or nothing when the store says the secret does not exist. It must poll at
/// <see cref="ExternalSecretStoreRequest.RefreshInterval"/>. The ExternalSecrets package then applies
/// the controller's key rules (property lookup, extract, decoding, templates).
/// </remarks>
public interface IExternalSecretStore
{
    /// <summary>Gets the provider key in a SecretStore's <c>spec.provider</c>, for example <c>vault</c>.</summary>
    string Provider { get; }

    /// <summary>Gets how the controller turns this provider's values into Secret values.</summary>
    ExternalSecretValueRules ValueRules { get; }

    /// <summary>
    /// Checks the provider block and the references when the configuration is declared, and returns
    /// the factory that creates the source each time it is built.
    /// </summary>
    /// <param name="request">The provider block, the references and the settings.</param>
    /// <returns>Creates the source from the builder's shared settings.</returns>
    /// <exception cref="SecretSourceException">A field is missing, invalid or not supported; made with
    /// <see cref="ExternalSecretStoreRequest.Invalid"/>.</exception>
    Func<SecretSourceContext, SecretSource> Prepare(ExternalSecretStoreRequest request);
}
