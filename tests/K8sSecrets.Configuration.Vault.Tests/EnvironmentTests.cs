using System.Net.Http;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Vault.Tests;

/// <summary>Reads process-wide environment variables, so its tests do not run beside each other.</summary>
[Collection(nameof(EnvironmentTests))]
[CollectionDefinition(nameof(EnvironmentTests), DisableParallelization = true)]
public sealed class EnvironmentTests
{
    [Fact]
    public async Task Without_an_address_or_auth_method_VAULT_ADDR_and_VAULT_TOKEN_are_used()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var token = h.Vault.CreateToken("hvs.from-environment", TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        Environment.SetEnvironmentVariable("VAULT_ADDR", h.Vault.Address.ToString());
        Environment.SetEnvironmentVariable("VAULT_TOKEN", token);
        try
        {
            var config = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
            {
                secrets.TimeProvider = h.Clock;
                secrets.FromVault(v => v.Secret("secret/app"));
            }).Build();
            using var disposable = (IDisposable)config;

            Assert.Equal("blue", config["color"]);
            Assert.All(h.Vault.Requests, r => Assert.Equal(token, r.Token));
        }
        finally
        {
            Environment.SetEnvironmentVariable("VAULT_ADDR", null);
            Environment.SetEnvironmentVariable("VAULT_TOKEN", null);
        }
    }

    [Fact]
    public async Task A_custom_http_handler_carries_every_request()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var counting = new CountingHandler(new SocketsHttpHandler());

        var config = h.Build(v =>
        {
            v.HttpMessageHandlerFactory = () => counting;
            v.Secret("secret/app");
        });

        Assert.Equal("blue", config["color"]);
        Assert.Equal(h.Vault.Requests.Count, counting.Sent);
        ((IDisposable)config).Dispose();
        Assert.True(counting.Disposed);
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _sent;

        public int Sent => Volatile.Read(ref _sent);

        public bool Disposed { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            return base.SendAsync(request, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
