namespace K8sSecrets.Configuration.ExternalSecrets.Manifests;

/// <summary>The one shape of a manifest error: where, which field, what is wrong and what is supported.</summary>
internal static class ManifestErrors
{
    public static SecretSourceException Invalid(string where, string fieldPath, string problem)
        => new($"ExternalSecret manifest {where}: {fieldPath}: {problem}") { IsTransient = false };

    public static SecretSourceException File(string where, string problem)
        => new($"ExternalSecret manifest {where}: {problem}") { IsTransient = false };
}
