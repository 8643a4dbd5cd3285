// Consumer smoke test: uses the packed K8sSecrets.* packages the way an app does, against a
// kubelet-layout folder it writes and tiny Vault and Kubernetes API fakes on loopback. Prints one
// line per source and exits 0 when every value arrived; any failure exits 1.
using System.Text;
using K8sSecrets.Configuration;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

const string VaultToken = "smoke-token";
var failures = 0;
var root = Directory.CreateTempSubdirectory("k8ssecrets-smoke-");
try
{
    var volume = WriteKubeletVolume(root.FullName, ("username", "volume-user"), ("password", "volume-pass\n"));
    await using var vault = await StartAsync(MapVault);
    await using var kube = await StartAsync(MapKubernetesApi);

    using var client = new Kubernetes(new KubernetesClientConfiguration { Host = Url(kube) });
    var config = new ConfigurationBuilder()
        .AddKubernetesSecrets(secrets =>
        {
            secrets.FromVolume(volume, v => v.Section = "Volume");
            secrets.FromVault(v =>
            {
                v.Address = new Uri(Url(vault));
                v.UseToken(VaultToken);
                v.KvVersion("secret", 2);
                v.Secret("secret/smoke", section: "Vault");
            });
            secrets.FromApi(api =>
            {
                api.Client = client;
                api.Namespace = "smoke";
                api.SecretNames.Add("smoke-db");
                api.Section = "Api";
            });
        })
        .Build();

    Check("volume (K8sSecrets.Configuration)", config["Volume:username"] == "volume-user" && config["Volume:password"] == "volume-pass");
    Check("vault (K8sSecrets.Configuration.Vault)", config["Vault:password"] == "vault-pass" && config["Vault:port"] == "5432");
    Check("api (K8sSecrets.Configuration.Kubernetes)", config["Api:password"] == "api-pass");
    var view = config.GetSecretsDebugView();
    Check("options (K8sSecrets.Configuration.Options)", view.Contains("[secret, 11 chars]", StringComparison.Ordinal)
        && !view.Contains("volume-pass", StringComparison.Ordinal) && !view.Contains("vault-pass", StringComparison.Ordinal));
    (config as IDisposable)?.Dispose();
}
catch (Exception ex)
{
    Console.WriteLine($"FAIL: {ex.GetType().Name}: {ex.Message}");
    failures++;
}
finally
{
    root.Delete(recursive: true);
}

Console.WriteLine(failures == 0 ? "consumer smoke: all sources OK" : $"consumer smoke: {failures} failed");
return failures == 0 ? 0 : 1;

void Check(string source, bool ok)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {source}");
    failures += ok ? 0 : 1;
}

// The kubelet's AtomicWriter layout: a timestamped folder, ..data pointing at it, and one symlink per key.
static string WriteKubeletVolume(string parent, params (string Key, string Value)[] files)
{
    var dir = Directory.CreateDirectory(Path.Combine(parent, "volume")).FullName;
    var generation = Directory.CreateDirectory(Path.Combine(dir, "..2025_01_01_00_00_00.000000001")).FullName;
    foreach (var (key, value) in files)
    {
        File.WriteAllText(Path.Combine(generation, key), value);
        File.CreateSymbolicLink(Path.Combine(dir, key), Path.Combine("..data", key));
    }

    File.CreateSymbolicLink(Path.Combine(dir, "..data"), Path.GetFileName(generation));
    return dir;
}

// Vault: token lookup and one KV v2 read, with the token checked.
static void MapVault(WebApplication app)
{
    app.MapGet("/v1/auth/token/lookup-self", (HttpRequest r) => Authorized(r)
        ? Results.Text("""{"data":{"ttl":0,"renewable":false}}""", "application/json")
        : Results.StatusCode(403));
    app.MapGet("/v1/secret/data/smoke", (HttpRequest r) => Authorized(r)
        ? Results.Text("""{"data":{"data":{"password":"vault-pass","port":5432},"metadata":{"version":1}}}""", "application/json")
        : Results.StatusCode(403));

    static bool Authorized(HttpRequest r) => r.Headers["X-Vault-Token"] == VaultToken;
}

// Kubernetes API: a Secret list, and a watch that ends at once (the server's timeoutSeconds).
static void MapKubernetesApi(WebApplication app)
{
    app.MapGet("/api/v1/namespaces/smoke/secrets", (HttpRequest r) =>
    {
        if (r.Query["watch"] == "true" || r.Query["watch"] == "1")
        {
            return Results.Text("", "application/json");
        }

        var password = Convert.ToBase64String(Encoding.UTF8.GetBytes("api-pass\n"));
        return Results.Text(
            """{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"smoke-db","namespace":"smoke","resourceVersion":"7"},"type":"Opaque","data":{"password":"PASSWORD"}}]}"""
                .Replace("PASSWORD", password, StringComparison.Ordinal),
            "application/json");
    });
}

static async Task<WebApplication> StartAsync(Action<WebApplication> map)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    var app = builder.Build();
    map(app);
    await app.StartAsync();
    return app;
}

static string Url(WebApplication app) => app.Urls.First();
