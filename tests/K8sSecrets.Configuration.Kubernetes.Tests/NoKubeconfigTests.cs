using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>Changes process-wide environment variables, so it runs alone.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

/// <summary>Out of a cluster with no kubeconfig there is no client to build: a clear error, never plain HTTP to localhost:8080.</summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class NoKubeconfigTests
{
    [Fact]
    public void Without_kubeconfig_or_service_account_FromApi_fails_the_build_saying_what_to_set()
    {
        var home = Directory.CreateTempSubdirectory("no-kubeconfig-home-").FullName;
        var saved = new[] { "KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "HOME" }
            .ToDictionary(name => name, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", null);
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", null);
            Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", null);
            Environment.SetEnvironmentVariable("HOME", home);
            var builder = new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromApi(api =>
            {
                api.Namespace = "payments";
                api.SecretNames.Add("db");
            }));

            var error = Assert.Throws<SecretSourceException>(() => builder.Build());

            Assert.Contains("No usable kubeconfig", error.Message, StringComparison.Ordinal);
            Assert.Contains("KUBECONFIG is not set", error.Message, StringComparison.Ordinal);
            Assert.Contains(Path.Join(home, ".kube", "config"), error.Message, StringComparison.Ordinal);
            Assert.Contains("KUBERNETES_SERVICE_HOST", error.Message, StringComparison.Ordinal);
            Assert.Contains("ApiSecretOptions.Client", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void A_pod_without_a_mounted_token_and_a_missing_KUBECONFIG_is_told_about_automountServiceAccountToken()
    {
        var missing = Path.Join(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"), "config");
        var pod = new KubeEnvironment(InCluster: false, ServiceHost: "10.96.0.1", KubeconfigVariable: missing, DefaultKubeconfigPath: missing);

        var error = Assert.Throws<SecretSourceException>(() => ApiConnection.Create(new ApiSecretOptions(), "payments", new FakeTimeProvider(), pod));

        Assert.Contains("automountServiceAccountToken: false", error.Message, StringComparison.Ordinal);
        Assert.Contains($"KUBECONFIG names no existing file ('{missing}')", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }
}
