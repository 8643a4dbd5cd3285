namespace K8sSecrets.Configuration.ExternalSecrets.Manifests;

/// <summary>An ExternalSecret read from its manifest, before its store is found.</summary>
/// <param name="Plan">The store-neutral plan.</param>
/// <param name="StoreName">The store's name (ESO), or the legacy backend type.</param>
/// <param name="StoreKind"><c>SecretStore</c>, <c>ClusterSecretStore</c>, or <see langword="null"/> for a legacy manifest.</param>
/// <param name="Provider">For a legacy manifest, the provider its backend type maps to.</param>
internal sealed record ParsedExternalSecret(ExternalSecretPlan Plan, string StoreName, string? StoreKind, string? Provider);
