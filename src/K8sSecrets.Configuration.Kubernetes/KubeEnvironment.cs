using k8s;

namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>
/// Where a client's settings can come from: the in-cluster service account, or kubeconfig files.
/// Unlike the client's own <c>BuildDefaultConfig</c>, finding neither is an error, never a fall back
/// to plain HTTP on <c>localhost:8080</c>.
/// </summary>
internal sealed record KubeEnvironment(bool InCluster, string? ServiceHost, string? KubeconfigVariable, string DefaultKubeconfigPath)
{
    public static KubeEnvironment FromProcess() => new(
        KubernetesClientConfiguration.IsInCluster(),
        Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"),
        Environment.GetEnvironmentVariable("KUBECONFIG"),
        Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config"));

    /// <summary>Gets the kubeconfig files that exist: those <c>KUBECONFIG</c> names when it is set, else <c>~/.kube/config</c>.</summary>
    public FileInfo[] KubeconfigFiles()
    {
        var candidates = string.IsNullOrWhiteSpace(KubeconfigVariable)
            ? [DefaultKubeconfigPath]
            : KubeconfigVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. candidates.Select(static path => new FileInfo(path)).Where(static file => file.Exists)];
    }

    /// <summary>Gets the current context's settings of the kubeconfig files, or <see langword="null"/> when there are none.</summary>
    public KubernetesClientConfiguration? LoadKubeconfig() => KubeconfigFiles() switch
    {
        [] => null,
        [var file] => KubernetesClientConfiguration.BuildConfigFromConfigObject(KubernetesClientConfiguration.LoadKubeConfig(file, useRelativePaths: true)),

        // Only the client merges several files; with KUBECONFIG set it reads them and never falls back to localhost.
        _ => KubernetesClientConfiguration.BuildDefaultConfig(),
    };

    /// <summary>The error when neither the service account nor a kubeconfig can be used.</summary>
    public SecretSourceException NoUsableConfiguration()
    {
        var pod = string.IsNullOrEmpty(ServiceHost)
            ? "the process is not in a pod (KUBERNETES_SERVICE_HOST is not set)"
            : $"the pod has no service-account token at {ApiConnection.ServiceAccountDirectory}/token (automountServiceAccountToken: false?)";
        var kubeconfig = string.IsNullOrWhiteSpace(KubeconfigVariable)
            ? $"KUBECONFIG is not set and there is no {DefaultKubeconfigPath}"
            : $"KUBECONFIG names no existing file ('{KubeconfigVariable}')";
        return new SecretSourceException(
            $"No usable kubeconfig and no in-cluster service account: {pod}, and {kubeconfig}. "
            + "In a pod, enable automountServiceAccountToken for its service account (or mount a projected token); elsewhere, set KUBECONFIG or create ~/.kube/config; "
            + "or set ApiSecretOptions.Client. The source never falls back to http://localhost:8080.")
        { IsTransient = false };
    }
}
