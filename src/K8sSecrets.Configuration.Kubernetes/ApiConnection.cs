using k8s;

namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>The client a source talks to, the namespace it reads, and how to refresh its credentials.</summary>
internal sealed class ApiConnection(IKubernetes client, string @namespace, IReloadableCredentials? token, bool ownsClient) : IDisposable
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public IKubernetes Client => client;

    public string Namespace => @namespace;

    /// <summary>
    /// Gets the credentials to read again after a 401 when the source built the client itself: the
    /// service-account token file in a pod, the kubeconfig user's token, token file or exec plugin outside.
    /// </summary>
    public IReloadableCredentials? Token => token;

    /// <summary>
    /// Builds the client from the environment: the in-cluster service account when running in a
    /// pod, else the kubeconfig's current context; neither is a clear error.
    /// </summary>
    public static ApiConnection Create(ApiSecretOptions options, string @namespace, TimeProvider time)
        => Create(options, @namespace, time, KubeEnvironment.FromProcess());

    internal static ApiConnection Create(ApiSecretOptions options, string @namespace, TimeProvider time, KubeEnvironment environment)
    {
        if (options.Client is { } supplied)
        {
            return new ApiConnection(supplied, @namespace, token: null, ownsClient: false);
        }

        KubernetesClientConfiguration config;
        IReloadableCredentials? token = null;
        try
        {
            if (environment.InCluster)
            {
                config = KubernetesClientConfiguration.InClusterConfig();
                var serviceAccount = new ServiceAccountTokenProvider(Path.Join(ServiceAccountDirectory, "token"), time);
                config.TokenProvider = serviceAccount;
                token = serviceAccount;
            }
            else
            {
                config = environment.LoadKubeconfig() ?? throw environment.NoUsableConfiguration();
                token = KubeconfigTokenProvider.Install(config, environment.LoadKubeconfig);
            }
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or SecretSourceException))
        {
            // Only the type is reported: a kubeconfig parser's message can quote the file.
            throw new SecretSourceException(
                $"No Kubernetes API client could be configured ({ex.GetType().Name}): the process is not in a pod with a service account, and no usable kubeconfig was found. Set ApiSecretOptions.Client, or run in a pod with automountServiceAccountToken enabled.")
            { IsTransient = false };
        }

        return new ApiConnection(new k8s.Kubernetes(config), @namespace, token, ownsClient: true);
    }

    /// <summary>
    /// The namespace to read: the explicit one, else the pod's own, else the kubeconfig context's,
    /// else <c>default</c>.
    /// </summary>
    public static string ResolveNamespace(string? explicitNamespace, string serviceAccountDirectory, Func<string?> kubeconfigNamespace)
    {
        if (!string.IsNullOrWhiteSpace(explicitNamespace))
        {
            return explicitNamespace;
        }

        var file = Path.Join(serviceAccountDirectory, "namespace");
        try
        {
            if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } podNamespace)
            {
                return podNamespace;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Fall through to the kubeconfig.
        }

        return kubeconfigNamespace() is { Length: > 0 } contextNamespace ? contextNamespace : "default";
    }

    /// <summary>The current kubeconfig context's namespace, or null when there is no usable kubeconfig.</summary>
    public static string? KubeconfigNamespace()
    {
        try
        {
            var environment = KubeEnvironment.FromProcess();
            return environment.InCluster ? null : environment.LoadKubeconfig()?.Namespace;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null; // no usable kubeconfig: the caller falls back to "default"
        }
    }

    public void Dispose()
    {
        if (ownsClient)
        {
            client.Dispose();
        }
    }
}
