using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace K8sSecrets.Configuration.Hosting.Tests;

/// <summary>
/// A default web app (WebApplication.CreateBuilder: default logging, appsettings, environment) on a
/// test server, with a fake log collector added to its logging like any other provider.
/// </summary>
internal sealed class WebHost : IAsyncDisposable
{
    private WebHost(WebApplication app)
    {
        App = app;
        Logs = app.Services.GetRequiredService<FakeLogCollector>();
    }

    public WebApplication App { get; }

    public FakeLogCollector Logs { get; }

    public IConfigurationRoot Configuration => (IConfigurationRoot)App.Configuration;

    /// <summary>The records of the library's categories (K8sSecrets.*).</summary>
    public IReadOnlyList<FakeLogRecord> Library => [.. Logs.GetSnapshot().Where(r => r.Category?.StartsWith("K8sSecrets.", StringComparison.Ordinal) == true)];

    public static WebHost Build(Action<WebApplicationBuilder> configure, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.AddFakeLogging();
        configure(builder);
        return new WebHost(builder.Build());
    }

    public async Task<WebHost> StartAsync()
    {
        await App.StartAsync();
        return this;
    }

    /// <summary>Every message and state value of every record: what a sink could see.</summary>
    public string AllText() => string.Join("\n", Logs.GetSnapshot().Select(r => r.Message + " | " + string.Join(",", r.StructuredState?.Select(s => s.Key + "=" + s.Value) ?? [])));

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
