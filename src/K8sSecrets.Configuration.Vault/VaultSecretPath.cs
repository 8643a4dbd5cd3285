namespace K8sSecrets.Configuration.Vault;

/// <summary>One declared path: where it is read and where its fields land.</summary>
/// <param name="Path">The path as the CLI spells it, mount included, without surrounding slashes.</param>
/// <param name="Section">The section its fields go below, or <see langword="null"/> for the root.</param>
/// <param name="Version">A pinned KV v2 version, or <see langword="null"/> for the latest.</param>
internal sealed record VaultSecretPath(string Path, string? Section, int? Version);
