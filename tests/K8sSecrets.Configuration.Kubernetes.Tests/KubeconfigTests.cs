using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using static K8sSecrets.Configuration.Kubernetes.Tests.ApiHarness;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>Without a client, the source builds one from the kubeconfig and takes its context's namespace.</summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class KubeconfigTests
{
    [Fact]
    public async Task Source_uses_the_kubeconfig_current_context_and_its_namespace()
    {
        await using var server = await FakeKubeApi.StartAsync();
        server.Put(Ns, "db", ("password", Sentinel));
        var kubeconfig = Path.GetTempFileName();
        var previous = Environment.GetEnvironmentVariable("KUBECONFIG");
        try
        {
            await File.WriteAllTextAsync(kubeconfig, $"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: {server.Uri}
                contexts:
                - name: fake
                  context:
                    cluster: fake
                    user: fake
                    namespace: {Ns}
                current-context: fake
                users:
                - name: fake
                  user:
                    token: kubeconfig-token
                """);
            Environment.SetEnvironmentVariable("KUBECONFIG", kubeconfig);
            using var logs = new LogCapture();

            var config = new ConfigurationBuilder()
                .AddKubernetesSecrets(s =>
                {
                    s.LoggerFactory = logs.Factory;
                    s.FromApi("db");
                })
                .Build();
            try
            {
                Assert.Equal(Sentinel, config["password"]);
                Assert.Contains(server.Requests, r => r.Path == $"/api/v1/namespaces/{Ns}/secrets" && r.Authorization == "Bearer kubeconfig-token");
                var provider = ((IConfigurationRoot)config).Providers.OfType<SecretsConfigurationProvider>().Single();
                Assert.Equal($"{Ns}/db", provider.SourceName);
                logs.AssertNoSentinel(Sentinel);
            }
            finally
            {
                (config as IDisposable)?.Dispose();
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", previous);
            File.Delete(kubeconfig);
        }
    }
}
