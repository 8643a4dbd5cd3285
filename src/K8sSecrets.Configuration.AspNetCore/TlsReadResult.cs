namespace K8sSecrets.Configuration.AspNetCore;

/// <summary>What <see cref="TlsMaterialReader.Read"/> made of a generation.</summary>
/// <param name="Material">The accepted generation, or <see langword="null"/> when refused.</param>
/// <param name="Refusal">Why it was refused (keys and causes, never content), or <see langword="null"/>.</param>
/// <param name="ValidFrom">When a refused, not-yet-valid certificate becomes valid, so it can be taken then.</param>
internal sealed record TlsReadResult(TlsMaterial? Material, string? Refusal, DateTimeOffset? ValidFrom);
