using System.Security.Authentication;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.AspNetCore.Tests;

/// <summary>
/// Kestrel requiring client certificates trusted against its Secret's ca.crt, and the app's own
/// HttpClient presenting the certificate of another Secret and trusting only that Secret's ca.crt:
/// both volumes written as the kubelet writes them, both rotated.
/// </summary>
public sealed class MutualTlsTests : IDisposable
{
    private readonly Pki _old = new("Old");
    private readonly Pki _new = new("New");
    private readonly KubeletVolume _serverVolume = new();
    private readonly KubeletVolume _clientVolume = new();
    private readonly LogCapture _logs = new();

    [Fact]
    public async Task Rotation_in_cert_manager_order_new_CA_trusted_first_then_the_leaves_fails_no_request()
    {
        var serverLeaf = _old.Issue();
        var clientLeaf = _old.Issue(KeyFormat.Pkcs1, rsa: true);
        _serverVolume.Write(serverLeaf.Secret(_old.RootPem));
        _clientVolume.Write(clientLeaf.Secret(_old.RootPem));
        await using var server = await TlsServer.StartAsync(_logs, _serverVolume.Root, _clientVolume.Root, requireClientCertificate: true);
        var factory = server.Services.GetRequiredService<IHttpClientFactory>();
        // Half the clients share the factory's handler (pooled connections); half build the library's
        // handler per request (a new connection each time).
        var clientTls = server.Monitor("ClientTls");
        var run = new LoadRun(
            server.Address,
            _old.Root,
            clients: 4,
            () => factory.CreateClient("payments"),
            () => new HttpClient(new RotatingClientHandler(clientTls, new KubernetesSecretsClientCertificateOptions(), TimeProvider.System)));
        await WaitForHandshakeAsync(server, serverLeaf.Thumbprint, clientLeaf.Thumbprint);

        // 1. The new CA is trusted next to the old one, on both sides.
        var both = _old.RootPem + _new.RootPem;
        await RotateAsync(server, "Tls", _serverVolume, serverLeaf.Secret(both));
        await RotateAsync(server, "ClientTls", _clientVolume, clientLeaf.Secret(both));

        // 2. The server's leaf, then the client's, are reissued by the new CA.
        var newServerLeaf = _new.Issue(KeyFormat.Ec);
        await RotateAsync(server, "Tls", _serverVolume, newServerLeaf.Secret(both));
        await WaitForHandshakeAsync(server, newServerLeaf.Thumbprint, clientLeaf.Thumbprint);
        var newClientLeaf = _new.Issue(KeyFormat.Pkcs8, rsa: true);
        await RotateAsync(server, "ClientTls", _clientVolume, newClientLeaf.Secret(both));
        await WaitForHandshakeAsync(server, newServerLeaf.Thumbprint, newClientLeaf.Thumbprint);

        // 3. The old CA is dropped.
        await RotateAsync(server, "Tls", _serverVolume, newServerLeaf.Secret(_new.RootPem));
        await RotateAsync(server, "ClientTls", _clientVolume, newClientLeaf.Secret(_new.RootPem));
        var handshakes = server.Handshakes.Count;
        await Eventually.HoldsAsync(() => server.Handshakes.Count >= handshakes + 4, "more handshakes after the old CA was dropped");

        var (requests, failures, first) = await run.StopAsync();
        Assert.True(failures == 0, $"{failures} of {requests} requests failed; first: {first}");
        foreach (var leaf in (Leaf[])[serverLeaf, clientLeaf, newServerLeaf, newClientLeaf])
        {
            _logs.AssertNoSentinel(leaf.KeySentinel);
        }
    }

    [Fact]
    public async Task A_request_after_a_client_certificate_publish_uses_a_new_connection_that_presents_it()
    {
        var clientLeaf = _old.Issue();
        _serverVolume.Write(_old.Issue().Secret(_old.RootPem));
        _clientVolume.Write(clientLeaf.Secret(_old.RootPem));
        await using var server = await TlsServer.StartAsync(_logs, _serverVolume.Root, _clientVolume.Root, requireClientCertificate: true);
        var client = server.Services.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        Assert.Equal(clientLeaf.Thumbprint, await client.GetStringAsync(server.Address));
        Assert.Equal(clientLeaf.Thumbprint, await client.GetStringAsync(server.Address));
        var connections = server.Handshakes.Count;

        var rotated = _old.Issue(KeyFormat.Ec);
        await RotateAsync(server, "ClientTls", _clientVolume, rotated.Secret(_old.RootPem));

        Assert.Equal(rotated.Thumbprint, await client.GetStringAsync(server.Address));
        Assert.Equal(connections + 1, server.Handshakes.Count);
    }

    [Fact]
    public async Task The_client_trusts_only_its_ca_crt_so_a_server_leaf_rotated_before_the_CA_fails_until_the_CA_arrives()
    {
        _serverVolume.Write(_old.Issue().Secret(_old.RootPem + _new.RootPem));
        _clientVolume.Write(_old.Issue().Secret(_old.RootPem));
        await using var server = await TlsServer.StartAsync(_logs, _serverVolume.Root, _clientVolume.Root, requireClientCertificate: true);
        var client = server.Services.GetRequiredService<IHttpClientFactory>().CreateClient("payments");
        await client.GetStringAsync(server.Address);

        // The wrong order: the server's leaf moves to the new CA while the client trusts the old one only.
        var newServerLeaf = _new.Issue();
        await RotateAsync(server, "Tls", _serverVolume, newServerLeaf.Secret(_old.RootPem + _new.RootPem));
        var clientLeaf = _old.Issue();
        await RotateAsync(server, "ClientTls", _clientVolume, clientLeaf.Secret(_old.RootPem));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(server.Address));
        Assert.IsType<AuthenticationException>(error.InnerException);

        await RotateAsync(server, "ClientTls", _clientVolume, clientLeaf.Secret(_old.RootPem + _new.RootPem));
        Assert.Equal(clientLeaf.Thumbprint, await client.GetStringAsync(server.Address));
    }

    [Fact]
    public async Task The_client_still_checks_the_host_name_against_a_trusted_certificate()
    {
        _serverVolume.Write(_old.Issue(dnsName: "other.example", ipAddress: false).Secret(_old.RootPem));
        _clientVolume.Write(_old.Issue().Secret(_old.RootPem));
        await using var server = await TlsServer.StartAsync(_logs, _serverVolume.Root, _clientVolume.Root);
        var client = server.Services.GetRequiredService<IHttpClientFactory>().CreateClient("payments");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(server.Address));

        Assert.IsType<AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task The_server_refuses_a_client_certificate_of_a_CA_missing_from_its_ca_crt()
    {
        _serverVolume.Write(_old.Issue().Secret(_old.RootPem));
        _clientVolume.Write(_new.Issue().Secret(_old.RootPem));
        await using var server = await TlsServer.StartAsync(_logs, _serverVolume.Root, _clientVolume.Root, requireClientCertificate: true);
        var client = server.Services.GetRequiredService<IHttpClientFactory>().CreateClient("payments");

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(server.Address));
        Assert.Empty(server.Handshakes);
    }

    [Fact]
    public async Task A_mismatched_pair_written_by_hand_keeps_the_old_certificate_and_health_names_the_reason()
    {
        var good = _old.Issue();
        _serverVolume.Write(good.Secret(_old.RootPem));
        await using var server = await TlsServer.StartAsync(_logs, _serverVolume.Root);
        var monitor = server.Monitor("Tls");
        Assert.Equal(HealthStatus.Healthy, (await server.HealthAsync()).Status);

        var other = _old.Issue();
        var stray = _old.Issue(KeyFormat.Pkcs1, rsa: true);
        _serverVolume.Write(Leaf.Payload(other.Chain, stray.KeyPem, _old.RootPem));
        await Eventually.HoldsAsync(() => monitor.Refusal is not null, "the mismatched pair was refused");

        using var http = new HttpClient(ProbeClient.Handler(_old.Root));
        await http.GetStringAsync(server.Address);
        Assert.Equal(good.Thumbprint, server.Handshakes.Last().ServerThumbprint);
        var report = await server.HealthAsync();
        Assert.Equal(HealthStatus.Degraded, report.Status);
        var entry = report.Entries["kubernetes-secrets-tls"];
        Assert.Contains($"TLS 'Tls' keeps certificate {good.Thumbprint}", entry.Description);
        Assert.Contains("'Tls:tls.key' does not match the certificate in 'Tls:tls.crt'", entry.Description);
        foreach (var leaf in (Leaf[])[good, other, stray])
        {
            _logs.AssertNoSentinel(leaf.KeySentinel);
        }
    }

    public void Dispose()
    {
        _serverVolume.Dispose();
        _clientVolume.Dispose();
        _logs.Dispose();
        _old.Dispose();
        _new.Dispose();
    }

    private static async Task RotateAsync(TlsServer server, string section, KubeletVolume volume, Dictionary<string, byte[]> payload)
    {
        var monitor = server.Monitor(section);
        var generation = monitor.GetRequired().Generation;
        Assert.True(await volume.WriteAsync(payload));
        await Eventually.HoldsAsync(() => monitor.GetRequired().Generation > generation, $"'{section}' published its new generation");
    }

    private static Task WaitForHandshakeAsync(TlsServer server, string serverThumbprint, string clientThumbprint)
        => Eventually.HoldsAsync(
            () => server.Handshakes.Any(h => h.ServerThumbprint == serverThumbprint && h.ClientThumbprint == clientThumbprint),
            $"a handshake with server {serverThumbprint} and client {clientThumbprint}");
}
