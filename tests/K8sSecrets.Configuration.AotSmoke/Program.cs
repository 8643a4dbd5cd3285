// Native AOT smoke test: the volume source and Vault (token auth, one KV v2 read against a tiny
// loopback fake) in a natively compiled app. Prints one line per source; exits 0 when both values arrived.
using System.Net;
using System.Net.Sockets;
using System.Text;
using K8sSecrets.Configuration.Vault;
using Microsoft.Extensions.Configuration;

const string Token = "aot-token";
var root = Directory.CreateTempSubdirectory("k8ssecrets-aot-");
using var vault = new TcpListener(IPAddress.Loopback, 0);
vault.Start();
using var stop = new CancellationTokenSource();
var server = ServeVaultAsync(vault, stop.Token);
var failures = 0;
try
{
    var volume = Directory.CreateDirectory(Path.Combine(root.FullName, "volume")).FullName;
    var generation = Directory.CreateDirectory(Path.Combine(volume, "..2025_01_01_00_00_00.000000001")).FullName;
    File.WriteAllText(Path.Combine(generation, "username"), "aot-user\n");
    File.CreateSymbolicLink(Path.Combine(volume, "..data"), Path.GetFileName(generation));
    File.CreateSymbolicLink(Path.Combine(volume, "username"), Path.Combine("..data", "username"));

    var config = new ConfigurationBuilder()
        .AddKubernetesSecrets(secrets =>
        {
            secrets.FromVolume(volume, v => v.Section = "Volume");
            secrets.FromVault(v =>
            {
                v.Address = new Uri($"http://127.0.0.1:{((IPEndPoint)vault.LocalEndpoint).Port}");
                v.UseToken(Token);
                v.KvVersion("secret", 2);
                v.Secret("secret/aot", section: "Vault");
            });
        })
        .Build();
    Check("volume (K8sSecrets.Configuration, native AOT)", config["Volume:username"] == "aot-user");
    Check("vault (K8sSecrets.Configuration.Vault, native AOT)", config["Vault:password"] == "vault-pass");
    Check("options (K8sSecrets.Configuration.Options, native AOT)", config.GetSecretsDebugView().Contains("[secret, 10 chars]", StringComparison.Ordinal));
    (config as IDisposable)?.Dispose();
}
catch (Exception ex)
{
    Console.WriteLine($"FAIL: {ex.GetType().Name}: {ex.Message}");
    failures++;
}
finally
{
    await stop.CancelAsync();
    root.Delete(recursive: true);
}

Console.WriteLine(failures == 0 ? "aot smoke: all sources OK" : $"aot smoke: {failures} failed");
return failures == 0 ? 0 : 1;

void Check(string source, bool ok)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {source}");
    failures += ok ? 0 : 1;
}

// A minimal HTTP/1.1 Vault: token lookup and one KV v2 read, one request per connection.
static async Task ServeVaultAsync(TcpListener listener, CancellationToken cancellationToken)
{
    while (!cancellationToken.IsCancellationRequested)
    {
        TcpClient client;
        try
        {
            client = await listener.AcceptTcpClientAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync(cancellationToken) ?? "";
            var authorized = false;
            var length = 0;
            for (var line = await reader.ReadLineAsync(cancellationToken); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync(cancellationToken))
            {
                authorized |= line.Equals("X-Vault-Token: " + Token, StringComparison.OrdinalIgnoreCase);
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line.AsSpan(15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            if (length > 0)
            {
                await reader.ReadBlockAsync(new char[length], cancellationToken);
            }

            var path = requestLine.Split(' ') is [_, var p, ..] ? p : "";
            var (status, body) = !authorized ? ("403 Forbidden", """{"errors":["permission denied"]}""")
                : path == "/v1/auth/token/lookup-self" ? ("200 OK", """{"data":{"ttl":0,"renewable":false}}""")
                : path == "/v1/secret/data/aot" ? ("200 OK", """{"data":{"data":{"password":"vault-pass"},"metadata":{"version":1}}}""")
                : ("404 Not Found", """{"errors":[]}""");
            var bytes = Encoding.UTF8.GetBytes(body);
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(head, cancellationToken);
            await stream.WriteAsync(bytes, cancellationToken);
        }
    }
}
