using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Npgsql;

namespace K8sSecrets.Configuration.Npgsql;

/// <summary>
/// Fills <see cref="RotatingNpgsqlDataSourceOptions.ConnectionString"/> from one configuration path
/// (no reflection binding), and tells the options monitor when the configuration reloads. Never
/// throws on bad input: a reload must not break; the problem is kept for the data source to report.
/// </summary>
internal sealed class SectionConnectionString(string path, IConfiguration configuration)
    : IConfigureNamedOptions<RotatingNpgsqlDataSourceOptions>, IOptionsChangeTokenSource<RotatingNpgsqlDataSourceOptions>
{
    private const string ConnectionStringKey = "ConnectionString";

    public string Name => path;

    public IChangeToken GetChangeToken() => configuration.GetReloadToken();

    public void Configure(RotatingNpgsqlDataSourceOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, RotatingNpgsqlDataSourceOptions options)
    {
        if (!string.Equals(name, path, StringComparison.Ordinal))
        {
            return;
        }

        var section = configuration.GetSection(path);
        var builder = new NpgsqlConnectionStringBuilder();
        try
        {
            builder.ConnectionString = section.Value ?? section[ConnectionStringKey] ?? string.Empty;
        }
        catch (ArgumentException)
        {
            options.ConfigurationProblem = $"the connection string at '{(section.Value is null ? path + ":" + ConnectionStringKey : path)}' could not be parsed; write it as 'Host=...;Username=...;Password=...'";
            return;
        }

        foreach (var child in section.GetChildren())
        {
            if (child.Value is null || string.Equals(child.Key, ConnectionStringKey, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            try
            {
                builder[child.Key] = child.Value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                options.ConfigurationProblem = $"the key '{path}:{child.Key}' is not a valid Npgsql connection-string keyword or its value has the wrong format; remove it or fix it";
                return;
            }
        }

        options.ConnectionString = builder.ConnectionString;
        options.ConfigurationProblem = builder.Host is null or { Length: 0 }
            ? $"'{path}' gives no Host; set '{path}:Host' or a connection string at '{path}'"
            : null;
    }
}
