namespace K8sSecrets.Configuration.ExternalSecrets.Manifests;

/// <summary>The one shape of a manifest error: where, which field, what is wrong and what is supported.</summary>
internal static class ManifestErrors
{
    public static SecretSourceException Invalid(string where, string fieldPath, string problem)
        => new($"ExternalSecret manifest {where}: {fieldPath}: {problem}") { IsTransient = false };

    /// <summary>
    /// Quotes a store address for an error, unless it may hold user info (<c>user:password@</c>): that is
    /// never repeated, whatever the scheme or however malformed the address.
    /// </summary>
    public static string QuoteAddress(string address)
        => address.Contains('@', StringComparison.Ordinal) ? "the address (not repeated here: it holds user info, which must be removed)" : $"'{address}'";

    public static SecretSourceException File(string where, string problem)
        => new($"ExternalSecret manifest {where}: {problem}") { IsTransient = false };
}
