using System.Net;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Tests.Http;

public sealed class SecretStoreHttpTests
{
    private const string Store = "Test store at https://127.0.0.1";

    [Fact]
    public async Task A_root_only_bundle_trusts_a_leaf_issued_by_the_intermediate_the_server_presents()
    {
        using var pki = new TestCertificates("127.0.0.1", withIntermediate: true);
        await using var server = await LoopbackServer.StartAsync(c => c.Response.WriteAsync("ok"), LoopbackServer.Https(pki.Server, pki.ServedChain));
        using var client = new HttpClient(SecretStoreHttp.CreateHandler(pki.RootBundlePath, clientCertificate: null));

        using var response = await SendAsync(client, $"https://127.0.0.1:{server.Address.Port}/v1/x", pki.RootBundlePath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_name_mismatch_fails_as_tls_naming_the_bundle_the_path_and_not_the_query()
    {
        using var pki = new TestCertificates("vault.other.example", withIntermediate: true);
        await using var server = await LoopbackServer.StartAsync(c => c.Response.WriteAsync("ok"), LoopbackServer.Https(pki.Server, pki.ServedChain));
        using var client = new HttpClient(SecretStoreHttp.CreateHandler(pki.RootBundlePath, clientCertificate: null));

        var error = await Assert.ThrowsAsync<SecretSourceException>(() => SendAsync(client, $"https://127.0.0.1:{server.Address.Port}/v1/x?token=SENTINEL", pki.RootBundlePath));

        Assert.StartsWith($"The TLS handshake with {Store} failed for /v1/x: its certificate is not trusted by the CA bundle '{pki.RootBundlePath}' or its name does not match", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task A_certificate_from_another_root_is_refused()
    {
        using var trusted = new TestCertificates("127.0.0.1", withIntermediate: false);
        using var other = new TestCertificates("127.0.0.1", withIntermediate: true);
        await using var server = await LoopbackServer.StartAsync(c => c.Response.WriteAsync("ok"), LoopbackServer.Https(other.Server, other.ServedChain));
        using var client = new HttpClient(SecretStoreHttp.CreateHandler(trusted.RootBundlePath, clientCertificate: null));

        var error = await Assert.ThrowsAsync<SecretSourceException>(() => SendAsync(client, $"https://127.0.0.1:{server.Address.Port}/v1/x", trusted.RootBundlePath));

        Assert.Contains("TLS handshake", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bundle_that_is_missing_or_holds_no_certificate_is_named()
    {
        using var pki = new TestCertificates("127.0.0.1", withIntermediate: false);
        var empty = pki.WriteFile("empty.pem", "not a certificate\n");
        var missing = Path.Join(Path.GetTempPath(), "no-such-bundle-" + Guid.NewGuid().ToString("N") + ".pem");

        var none = Assert.Throws<SecretSourceException>(() => SecretStoreHttp.CreateHandler(empty, clientCertificate: null));
        var absent = Assert.Throws<SecretSourceException>(() => SecretStoreHttp.CreateHandler(missing, clientCertificate: null));

        Assert.Equal($"The CA bundle '{empty}' holds no PEM certificate.", none.Message);
        Assert.Contains($"'{missing}' could not be read", absent.Message, StringComparison.Ordinal);
        Assert.False(none.IsTransient);
    }

    [Fact]
    public async Task A_redirect_is_returned_not_followed()
    {
        await using var elsewhere = await LoopbackServer.StartAsync(c => c.Response.WriteAsync("taken"));
        await using var server = await LoopbackServer.StartAsync(c =>
        {
            c.Response.StatusCode = 307;
            c.Response.Headers.Location = new Uri(elsewhere.Address, "/v1/x").ToString();
            return Task.CompletedTask;
        });
        using var client = new HttpClient(SecretStoreHttp.CreateHandler(caBundlePath: null, clientCertificate: null));

        using var response = await SendAsync(client, new Uri(server.Address, "/v1/x").ToString(), null);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(0, elsewhere.Requests);
    }

    [Fact]
    public async Task Nothing_listening_could_not_be_reached_naming_store_and_path()
    {
        int port;
        await using (var server = await LoopbackServer.StartAsync(c => Task.CompletedTask))
        {
            port = server.Address.Port;
        }

        using var client = new HttpClient(SecretStoreHttp.CreateHandler(caBundlePath: null, clientCertificate: null));
        var error = await Assert.ThrowsAsync<SecretSourceException>(() => SendAsync(client, $"http://127.0.0.1:{port}/v1/secret", null));

        Assert.StartsWith($"{Store} could not be reached for /v1/secret (ConnectionError", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task A_named_operation_stands_for_the_path_in_transport_and_body_errors()
    {
        int port;
        await using (var closed = await LoopbackServer.StartAsync(c => Task.CompletedTask))
        {
            port = closed.Address.Port;
        }

        await using var server = await LoopbackServer.StartAsync(c => c.Response.WriteAsync("SENTINEL" + new string('x', 2000)));
        using var client = new HttpClient(SecretStoreHttp.CreateHandler(caBundlePath: null, clientCertificate: null));
        using var unreachable = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/?X-Amz-Credential=SENTINEL");
        SecretStoreHttp.SetOperationName(unreachable, "ListSecrets");
        using var big = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, "/"));
        SecretStoreHttp.SetOperationName(big, "GetSecretValue");

        var refused = await Assert.ThrowsAsync<SecretSourceException>(() => SecretStoreHttp.SendAsync(client, unreachable, Store, null, CancellationToken.None));
        using var response = await SecretStoreHttp.SendAsync(client, big, Store, null, CancellationToken.None);
        var tooLarge = await Assert.ThrowsAsync<SecretSourceException>(() => SecretStoreHttp.ReadBodyAsync(response, Store, 1024, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.StartsWith($"{Store} could not be reached for ListSecrets (ConnectionError", refused.Message, StringComparison.Ordinal);
        Assert.StartsWith($"invalid response from {Store} to GetSecretValue: the body is larger than 1024 bytes", tooLarge.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", refused.ToString() + tooLarge, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SecretStoreHttp.SetOperationName(big, " "));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_cap_is_refused_whether_announced_or_streamed(bool announced)
    {
        await using var server = await LoopbackServer.StartAsync(async c =>
        {
            var body = System.Text.Encoding.ASCII.GetBytes("SENTINEL" + new string('x', 2000));
            if (announced)
            {
                c.Response.ContentLength = body.Length;
            }

            await c.Response.Body.WriteAsync(body);
        });
        using var client = new HttpClient(SecretStoreHttp.CreateHandler(caBundlePath: null, clientCertificate: null));
        using var response = await SendAsync(client, new Uri(server.Address, "/v1/big").ToString(), null);

        var error = await Assert.ThrowsAsync<SecretSourceException>(() => SecretStoreHttp.ReadBodyAsync(response, Store, 1024, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Equal($"invalid response from {Store} to /v1/big: the body is larger than 1024 bytes, the most accepted from a store (a proxy or the wrong address?).", error.Message);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public async Task A_body_within_the_cap_is_read_whole()
    {
        await using var server = await LoopbackServer.StartAsync(c => c.Response.WriteAsync(new string('y', 100_000)));
        using var client = new HttpClient(SecretStoreHttp.CreateHandler(caBundlePath: null, clientCertificate: null));
        using var response = await SendAsync(client, new Uri(server.Address, "/v1/ok").ToString(), null);

        var body = await SecretStoreHttp.ReadBodyAsync(response, Store, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(100_000, body.Length);
        Assert.Equal(32 * 1024 * 1024, SecretStoreHttp.DefaultMaxBodyBytes);
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData(" 7 ", 7)]
    [InlineData("-5", 0)]
    [InlineData("0", 0)]
    [InlineData("Thu, 01 Jan 2026 00:01:30 GMT", 90)]
    [InlineData("Thursday, 01-Jan-26 00:00:10 GMT", 10)]
    [InlineData("Thu Jan  1 00:00:20 2026", 20)]
    [InlineData("Wed, 31 Dec 2025 23:00:00 GMT", 0)]
    [InlineData("99999999999999999999", 86400)]
    public void Retry_after_is_seconds_or_an_http_date_never_negative_never_over_a_day(string value, int seconds)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(TimeSpan.FromSeconds(seconds), SecretStoreHttp.ParseRetryAfter(value, time));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    public void Retry_after_that_is_neither_form_is_ignored(string? value)
        => Assert.Null(SecretStoreHttp.ParseRetryAfter(value, TimeProvider.System));

    [Fact]
    public void Retry_after_is_read_from_a_response()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "Thu, 01 Jan 2026 00:00:45 GMT");
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(TimeSpan.FromSeconds(45), SecretStoreHttp.GetRetryAfter(response, time));
        Assert.Null(SecretStoreHttp.GetRetryAfter(none, time));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string uri, string? bundle)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        return SecretStoreHttp.SendAsync(client, request, Store, bundle, CancellationToken.None);
    }
}
