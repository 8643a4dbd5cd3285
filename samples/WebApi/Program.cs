using System.Text.Json;
using K8sSecrets.Configuration;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

var builder = WebApplication.CreateBuilder(args);

// A Secret mounted by the kubelet (..data -> timestamped folder); rotations reach IOptionsMonitor.
var secretsPath = builder.Configuration["Secrets:Path"] ?? "/etc/secrets/db";
builder.Configuration.AddKubernetesSecrets(secrets => secrets.FromVolume(secretsPath, volume => volume.Section = "Db"));

builder.Services.Configure<DbOptions>(builder.Configuration.GetSection("Db"));
builder.Services.AddHealthChecks().AddKubernetesSecrets(check => check.Tags.Add("ready"));

const string LibrarySource = "K8sSecrets.Configuration";
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("webapi-sample"))
    .WithMetrics(metrics => metrics
        .AddMeter(LibrarySource)
        .AddAspNetCoreInstrumentation()
        .AddPrometheusExporter())
    .WithTracing(tracing =>
    {
        tracing.AddSource(LibrarySource).AddAspNetCoreInstrumentation();
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            tracing.AddOtlpExporter();
        }
    });

var app = builder.Build();

app.MapGet("/db", (IOptionsMonitor<DbOptions> db) => new
{
    db.CurrentValue.User,
    PasswordSet = !string.IsNullOrEmpty(db.CurrentValue.Password),
});

app.MapHealthChecks("/healthz", new HealthCheckOptions
{
    ResponseWriter = WriteHealthAsync,
    ResultStatusCodes =
    {
        [HealthStatus.Healthy] = StatusCodes.Status200OK,
        [HealthStatus.Degraded] = StatusCodes.Status200OK,
        [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
    },
});
app.MapPrometheusScrapingEndpoint("/metrics");

app.Run();

// The health report as JSON: status, description and the per-source data (names, times, counts; no values).
static Task WriteHealthAsync(HttpContext context, HealthReport report)
{
    context.Response.ContentType = "application/json";
    var body = new
    {
        status = report.Status.ToString(),
        checks = report.Entries.ToDictionary(
            e => e.Key,
            e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
    };
    return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonOptions.Web);
}

/// <summary>The database settings, bound from the mounted Secret's keys (<c>User</c>, <c>Password</c>).</summary>
public sealed class DbOptions
{
    public string? User { get; set; }

    public string? Password { get; set; }
}

/// <summary>The web sample's entry point, visible to WebApplicationFactory.</summary>
public partial class Program
{
}

internal static class JsonOptions
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
