// Consumer smoke test: uses the packed K8sSecrets.* packages the way an app does, against a
// kubelet-layout folder and an ExternalSecret manifest it writes, and tiny Vault, Kubernetes API,
// AWS Secrets Manager, Google Secret Manager and Azure Key Vault fakes on loopback. Prints one line
// per source and exits 0 when every value arrived; any failure exits 1.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Google.Apis.Auth.OAuth2;
using K8sSecrets.Configuration;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

const string VaultToken = "smoke-token";
const string AwsAccessKey = "AKIDSMOKE0000EXAMPLE";
const string GoogleToken = "smoke-google-token";
const string AzureToken = "smoke-azure-token";
var failures = 0;
var root = Directory.CreateTempSubdirectory("k8ssecrets-smoke-");
try
{
    var volume = WriteKubeletVolume(root.FullName, ("username", "volume-user"), ("password", "volume-pass\n"));
    await using var vault = await StartAsync(MapVault);
    await using var kube = await StartAsync(MapKubernetesApi);
    await using var aws = await StartAsync(MapAwsSecretsManager);
    await using var google = await StartAsync(MapGoogleSecretManager);
    using var certificate = SelfSignedCertificate();
    await using var azure = await StartAsync(MapAzureKeyVault, certificate);
    var manifest = WriteExternalSecret(root.FullName, Url(vault));
    var vaultTokenFile = Path.Combine(root.FullName, "vault-token");
    File.WriteAllText(vaultTokenFile, VaultToken);

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
            secrets.FromAwsSecretsManager(a =>
            {
                a.ServiceUrl = new Uri(Url(aws));
                a.Region = "eu-west-1";
                a.Credentials = new Amazon.Runtime.BasicAWSCredentials(AwsAccessKey, "smoke-secret-key");
                a.Secret("smoke/db", section: "Aws");
            });
            secrets.FromGoogleSecretManager(g =>
            {
                g.Endpoint = new Uri(Url(google));
                g.ProjectId = "smoke";
                g.Credential = GoogleCredential.FromAccessToken(GoogleToken);
                g.Secret("smoke-db", key: "Google:password");
            });
            secrets.FromAzureKeyVault(kv =>
            {
                kv.Client = AzureClient(new Uri(Url(azure)), certificate);
                kv.Section = "Azure";
                kv.Secret("smoke-db", "password");
            });
            secrets.FromExternalSecret(manifest, es =>
            {
                es.Section = "Eso";
                es.MapKeyToFile("vault-token", "token", vaultTokenFile);
            });
        })
        .Build();

    Check("volume (K8sSecrets.Configuration)", config["Volume:username"] == "volume-user" && config["Volume:password"] == "volume-pass");
    Check("vault (K8sSecrets.Configuration.Vault)", config["Vault:password"] == "vault-pass" && config["Vault:port"] == "5432");
    Check("api (K8sSecrets.Configuration.Kubernetes)", config["Api:password"] == "api-pass");
    Check("aws (K8sSecrets.Configuration.Aws)", config["Aws:password"] == "aws-pass" && config["Aws:port"] == "5433");
    Check("google (K8sSecrets.Configuration.Google)", config["Google:password"] == "google-pass");
    Check("azure (K8sSecrets.Configuration.Azure)", config["Azure:password"] == "azure-pass");
    Check("external secret (K8sSecrets.Configuration.ExternalSecrets)", config["Eso:password"] == "vault-pass");
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

// AWS Secrets Manager (awsJson 1.1): ListSecrets names the current version, BatchGetSecretValue
// returns its value. The signature is not verified, only that it is SigV4 with our access key.
static void MapAwsSecretsManager(WebApplication app)
{
    const string Arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:smoke/db-AbCdEf";
    app.MapPost("/", (HttpRequest r) =>
    {
        if (!r.Headers.Authorization.ToString().StartsWith("AWS4-HMAC-SHA256 Credential=" + AwsAccessKey + "/", StringComparison.Ordinal))
        {
            return Results.Text("""{"__type":"UnrecognizedClientException","Message":"bad signature"}""", "application/x-amz-json-1.1", statusCode: 400);
        }

        var body = r.Headers["X-Amz-Target"].ToString() switch
        {
            "secretsmanager.ListSecrets" => $$$"""{"SecretList":[{"ARN":"{{{Arn}}}","Name":"smoke/db","SecretVersionsToStages":{"v1":["AWSCURRENT"]}}]}""",
            "secretsmanager.BatchGetSecretValue" => $$"""{"SecretValues":[{"ARN":"{{Arn}}","Name":"smoke/db","VersionId":"v1","SecretString":"{\"password\":\"aws-pass\",\"port\":5433}"}],"Errors":[]}""",
            _ => null,
        };
        return body is null
            ? Results.Text("""{"__type":"UnknownOperationException"}""", "application/x-amz-json-1.1", statusCode: 400)
            : Results.Text(body, "application/x-amz-json-1.1");
    });
}

// Google Secret Manager (REST v1): the secret's metadata and its latest version's payload.
static void MapGoogleSecretManager(WebApplication app)
{
    app.MapGet("/v1/projects/smoke/secrets/{**rest}", (HttpRequest r, string rest) =>
    {
        if (r.Headers.Authorization != "Bearer " + GoogleToken)
        {
            return Results.Text("""{"error":{"code":401,"status":"UNAUTHENTICATED"}}""", "application/json", statusCode: 401);
        }

        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes("google-pass"));
        const string Crc32C = "3170343780"; // CRC32C (Castagnoli) of "google-pass": the service sends one with every payload
        return rest switch
        {
            "smoke-db" => Results.Text("""{"name":"projects/42/secrets/smoke-db"}""", "application/json"),
            "smoke-db/versions/latest:access" => Results.Text($$$"""{"name":"projects/42/secrets/smoke-db/versions/1","payload":{"data":"{{{data}}}","dataCrc32c":"{{{Crc32C}}}"}}""", "application/json"),
            _ => Results.Text("""{"error":{"code":404,"status":"NOT_FOUND"}}""", "application/json", statusCode: 404),
        };
    });
}

// Azure Key Vault over https: the bearer challenge for a request without our token, the list and the get.
static void MapAzureKeyVault(WebApplication app)
{
    app.MapGet("/secrets/{**name}", (HttpContext c, string? name) =>
    {
        if (c.Request.Headers.Authorization != "Bearer " + AzureToken)
        {
            c.Response.Headers.WWWAuthenticate = "Bearer authorization=\"https://login.microsoftonline.com/smoke-tenant\", resource=\"https://vault.azure.net\"";
            return Results.Text("""{"error":{"code":"Unauthorized","message":"no token"}}""", "application/json", statusCode: 401);
        }

        var vault = $"https://{c.Request.Host}/secrets/smoke-db";
        return name switch
        {
            null or "" => Results.Text($$$"""{"value":[{"id":"{{{vault}}}","attributes":{"enabled":true}}],"nextLink":null}""", "application/json"),
            "smoke-db" or "smoke-db/" => Results.Text($$$"""{"value":"azure-pass","id":"{{{vault}}}/v1","attributes":{"enabled":true}}""", "application/json"),
            _ => Results.Text("""{"error":{"code":"SecretNotFound","message":"not found"}}""", "application/json", statusCode: 404),
        };
    });
}

// A SecretClient as an app would configure one, except that its transport trusts only our certificate
// and the challenge's resource (vault.azure.net) need not match the loopback address.
static SecretClient AzureClient(Uri vault, X509Certificate2 certificate)
{
    var handler = new SocketsHttpHandler();
    handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
        presented is not null && presented.GetCertHashString() == certificate.GetCertHashString();
    var options = new SecretClientOptions { Transport = new HttpClientTransport(handler), DisableChallengeResourceVerification = true };
    options.Retry.MaxRetries = 0;
    return new SecretClient(vault, new StaticTokenCredential(AzureToken), options);
}

static X509Certificate2 SelfSignedCertificate()
{
    using var key = RSA.Create(2048);
    var request = new CertificateRequest("CN=smoke-keyvault", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    var names = new SubjectAlternativeNameBuilder();
    names.AddIpAddress(IPAddress.Loopback);
    request.CertificateExtensions.Add(names.Build());
    using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
    return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
}

// An ExternalSecret (external-secrets.io) and its SecretStore: Vault KV v2 at the Vault fake, token auth
// from a Kubernetes Secret key that MapKeyToFile points at a file.
static string WriteExternalSecret(string parent, string vaultUrl)
{
    var path = Path.Combine(parent, "external-secret.yaml");
    File.WriteAllText(path, $"""
        apiVersion: external-secrets.io/v1
        kind: ExternalSecret
        metadata:
          name: smoke
        spec:
          secretStoreRef:
            name: vault-backend
            kind: SecretStore
          data:
          - secretKey: password
            remoteRef:
              key: smoke
              property: password
        ---
        apiVersion: external-secrets.io/v1
        kind: SecretStore
        metadata:
          name: vault-backend
        spec:
          provider:
            vault:
              server: "{vaultUrl}"
              path: secret
              version: v2
              auth:
                tokenSecretRef:
                  name: vault-token
                  key: token
        """);
    return path;
}

static async Task<WebApplication> StartAsync(Action<WebApplication> map, X509Certificate2? certificate = null)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
    {
        if (certificate is not null)
        {
            listen.UseHttps(certificate);
        }
    }));
    var app = builder.Build();
    map(app);
    await app.StartAsync();
    return app;
}

static string Url(WebApplication app) => app.Urls.First();

// A credential with one fixed token, as a test double of Azure.Identity's.
sealed class StaticTokenCredential(string token) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        => new(token, DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
