using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using static K8sSecrets.Configuration.Kubernetes.Tests.ApiHarness;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>The first load: required and optional Secrets that are missing or forbidden.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Required_missing_secret_fails_build_with_namespace_secret_and_verb()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "other", ("x", Sentinel));

        var error = Assert.Throws<SecretSourceException>(() => h.Build(o => o.SecretNames.Add("db")));

        Assert.Contains("'db'", error.Message);
        Assert.Contains($"'{Ns}'", error.Message);
        Assert.Contains("'list'", error.Message);
        Assert.Contains("Optional", error.Message);
        Assert.Equal(0, h.Server.ActiveWatches);
    }

    [Fact]
    public async Task Required_forbidden_secret_fails_build_with_the_rbac_rule_and_no_body()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", Sentinel));
        h.Server.ListFaults.Enqueue(FakeKubeApi.Status(403, "Forbidden", "secrets \"db\" is forbidden: body with " + Sentinel));

        var error = Assert.Throws<SecretSourceException>(() => h.Build(o => o.SecretNames.Add("db")));

        Assert.Contains("403", error.Message);
        Assert.Contains($"namespace '{Ns}'", error.Message);
        Assert.Contains("'db'", error.Message);
        Assert.Contains("'list'", error.Message);
        Assert.Contains("resourceNames: [\"db\"]", error.Message);
        Assert.Contains("verbs: [\"get\", \"list\", \"watch\"]", error.Message);
        Assert.False(error.IsTransient);
        Assert.DoesNotContain(Sentinel, error.ToString());
    }

    [Fact]
    public async Task Optional_missing_secret_starts_empty_and_loads_when_created()
    {
        await using var h = await StartAsync();
        var config = h.Build(o =>
        {
            o.SecretNames.Add("db");
            o.Optional = true;
        });
        Assert.Null(config["password"]);
        await h.WatchingAsync();

        h.Server.Put(Ns, "db", ("password", Sentinel));

        await Eventually.HoldsAsync(() => config["password"] == Sentinel, "the Secret loads when it appears");
        Assert.True(h.Provider.GetHealth().IsHealthy);
    }

    [Fact]
    public async Task Optional_forbidden_secret_starts_empty_and_loads_once_allowed()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", Sentinel));
        var allowed = false;
        h.Server.Forbid = _ => !Volatile.Read(ref allowed);
        var config = h.Build(o =>
        {
            o.SecretNames.Add("db");
            o.Optional = true;
        });
        Assert.Null(config["password"]);
        Assert.Contains("resourceNames", h.Provider.GetHealth().LastError);
        await Eventually.HoldsAsync(() => h.Server.Lists.Count() >= 2, "the informer keeps retrying");
        await Eventually.HoldsAsync(
            () => h.Logs.Records.Any(r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error && r.Message.Contains("resourceNames", StringComparison.Ordinal)),
            "the engine logs the watch's refusal, with the RBAC rule to add, as an Error");

        Volatile.Write(ref allowed, true);

        await Eventually.HoldsAsync(() => config["password"] == Sentinel, "the Secret loads once the Role is granted");
        await Eventually.HoldsAsync(() => h.Provider.GetHealth().IsHealthy, "health recovered");
    }

    [Fact]
    public async Task Unreachable_api_server_fails_a_required_build_without_secrets_in_the_message()
    {
        await using var h = await StartAsync();
        var port = h.Server.Uri.Port;
        await h.Server.DisposeAsync();
        using var client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = $"http://127.0.0.1:{port}" });

        var error = Assert.Throws<SecretSourceException>(() => new ConfigurationBuilder()
            .AddKubernetesSecrets(s => s.FromApi(o =>
            {
                o.Namespace = Ns;
                o.Client = client;
                o.SecretNames.Add("db");
            }))
            .Build());

        Assert.Contains("connection error", error.Message);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Unauthorized_reads_the_rotated_token_again_and_retries()
    {
        await using var h = await StartAsync();
        var tokenFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(tokenFile, "token-1\n");
            h.Server.AcceptedToken = "token-1";
            h.Server.Put(Ns, "db", ("password", "one"));
            var time = TimeProvider.System;
            var token = new ServiceAccountTokenProvider(tokenFile, time);
            using var client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = h.Server.Uri.ToString(), TokenProvider = token });
            var options = new ApiSecretOptions();
            h.Fast(options);
            options.SecretNames.Add("db");
            var connection = new ApiConnection(client, Ns, token, ownsClient: false);
            var config = h.Build(s => s.AddSource(context => new ApiSecretSource(options, context, connection)));
            await h.WatchingAsync();
            Assert.All(h.Server.Requests, r => Assert.Equal("Bearer token-1", r.Authorization));

            // The kubelet rotates the projected token; the old one stops working.
            await File.WriteAllTextAsync(tokenFile, "token-2\n");
            h.Server.AcceptedToken = "token-2";
            h.Server.EndWatches();
            h.Server.Put(Ns, "db", ("password", "after-rotation"));

            await Eventually.HoldsAsync(() => config["password"] == "after-rotation", "the watch resumed with the new token");
            Assert.Contains(h.Server.Requests, r => r.Authorization == "Bearer token-2");
            Assert.Contains(h.Logs.Records, r => r.Id.Id == 308);
            Assert.Single(h.Server.Lists);
            Assert.DoesNotContain(h.Logs.Records, r => r.Message.Contains("token-", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public async Task Sentinel_never_reaches_logs_or_exceptions_across_a_stormy_session()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", Sentinel), ("bytes", "x"));
        var config = h.Build(o => o.SecretNames.Add("db"));
        await h.WatchingAsync();
        h.Server.WatchFaults.Enqueue(FakeKubeApi.Status(500, "InternalError", Sentinel));
        h.Server.WatchFaults.Enqueue(FakeKubeApi.Status(429, "TooManyRequests", Sentinel, retryAfterSeconds: 0));
        h.Server.WatchFaults.Enqueue(FakeKubeApi.GarbageWatch(Sentinel));
        h.Server.EndWatches();
        await h.WatchingAsync(4);
        h.Server.SendRaw("{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Secret\"," + Sentinel);
        h.Server.Put(Ns, "db", ("password", Sentinel + "-2"));
        await Eventually.HoldsAsync(() => config["password"] == Sentinel + "-2", "the session ends healthy");

        var text = h.Logs.AllText();
        Assert.DoesNotContain(Sentinel, text);
        Assert.DoesNotContain(Sentinel, h.Provider.GetHealth().LastError ?? string.Empty);
    }
}
