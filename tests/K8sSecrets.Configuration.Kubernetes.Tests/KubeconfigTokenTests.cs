using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using static K8sSecrets.Configuration.Kubernetes.Tests.ApiHarness;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>
/// Out of a cluster, a 401 rebuilds the credentials from the kubeconfig (static token or exec
/// plugin) and retries once: the API server stops accepting the old token, the kubeconfig (or the
/// plugin it names) now gives a new one, and a rotation is still seen. (The official client's
/// kubeconfig reader has no <c>tokenFile</c>; a plugin that prints a file's token, as here, is the way.)
/// </summary>
[Collection(nameof(ProcessEnvironment))]
public sealed class KubeconfigTokenTests
{
    public enum Kind
    {
        StaticToken,
        ExecPlugin,
    }

    [Theory]
    [InlineData(Kind.StaticToken)]
    [InlineData(Kind.ExecPlugin)]
    public async Task A_401_reads_the_kubeconfig_credentials_again_and_retries(Kind kind)
    {
        await using var server = await FakeKubeApi.StartAsync();
        server.Put(Ns, "db", ("password", "v1"));
        server.AcceptedToken = "token-one";
        using var folder = new TempFolder();
        var kubeconfig = Path.Join(folder.Root, "config");
        var tokenFile = Path.Join(folder.Root, "token");
        var plugin = folder.Write("plugin.sh", $$$"""
            #!/bin/sh
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat '{{{tokenFile}}}')"
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        void Credentials(string token)
        {
            File.WriteAllText(tokenFile, token);
            File.WriteAllText(kubeconfig, Kubeconfig(server.Uri, kind, kind == Kind.StaticToken ? token : plugin));
        }

        Credentials("token-one");
        var previous = Environment.GetEnvironmentVariable("KUBECONFIG");
        Environment.SetEnvironmentVariable("KUBECONFIG", kubeconfig);
        using var logs = new LogCapture();
        try
        {
            var config = new ConfigurationBuilder()
                .AddKubernetesSecrets(s =>
                {
                    s.LoggerFactory = logs.Factory;
                    s.MinRetryDelay = TimeSpan.FromMilliseconds(20);
                    s.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
                    s.FromApi(o =>
                    {
                        o.SecretNames.Add("db");
                        o.ReconnectSpread = TimeSpan.FromMilliseconds(50);
                    });
                })
                .Build();
            try
            {
                Assert.Equal("v1", config["password"]);
                Assert.True(await Eventually.TrueAsync(() => server.ActiveWatches > 0));

                // The old token stops working; the kubeconfig (or its file, or its plugin) now gives a new one.
                Credentials("token-two");
                server.AcceptedToken = "token-two";
                server.EndWatches();
                server.Put(Ns, "db", ("password", "v2"));

                await Eventually.HoldsAsync(() => config["password"] == "v2", "the rotation is read with the new token");
                Assert.Contains(server.Requests, r => r.Authorization == "Bearer token-two");
                Assert.Contains(logs.Records, r => r.Id.Name == "TokenReread");
                logs.AssertNoSentinel("token-one");
                logs.AssertNoSentinel("token-two");
            }
            finally
            {
                (config as IDisposable)?.Dispose();
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", previous);
        }
    }

    [Fact]
    public async Task Without_a_new_token_the_401_is_reported_once_retried_and_names_no_token()
    {
        await using var server = await FakeKubeApi.StartAsync();
        server.Put(Ns, "db", ("password", "v1"));
        server.AcceptedToken = "other-token";
        using var folder = new TempFolder();
        var kubeconfig = folder.Write("config", Kubeconfig(server.Uri, Kind.StaticToken, "stale-token"));
        var previous = Environment.GetEnvironmentVariable("KUBECONFIG");
        Environment.SetEnvironmentVariable("KUBECONFIG", kubeconfig);
        using var logs = new LogCapture();
        try
        {
            var error = Assert.Throws<SecretSourceException>(() => new ConfigurationBuilder()
                .AddKubernetesSecrets(s =>
                {
                    s.LoggerFactory = logs.Factory;
                    s.FromApi(o =>
                    {
                        o.SecretNames.Add("db");
                        o.Namespace = Ns;
                    });
                })
                .Build());

            Assert.Contains("401", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("stale-token", error.ToString(), StringComparison.Ordinal);
            Assert.Equal(2, server.Lists.Count(r => r.Authorization == "Bearer stale-token")); // the first try and one retry
            logs.AssertNoSentinel("stale-token");
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", previous);
        }
    }

    private static string Kubeconfig(Uri server, Kind kind, string tokenOrPlugin)
    {
        var user = kind switch
        {
            Kind.StaticToken => $"    token: {tokenOrPlugin}",
            _ => $"""
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: {tokenOrPlugin}
                      interactiveMode: Never
                """,
        };
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {server}
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
            {user}
            """;
    }
}
