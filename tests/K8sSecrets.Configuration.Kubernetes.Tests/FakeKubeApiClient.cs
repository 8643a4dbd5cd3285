using k8s;
using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>A real Kubernetes client pointed at a <see cref="FakeKubeApi"/>.</summary>
internal static class FakeKubeApiClient
{
    public static k8s.Kubernetes CreateClient(this FakeKubeApi server, string? token = null)
        => new(new KubernetesClientConfiguration { Host = server.Uri.ToString(), AccessToken = token });
}
