using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Npgsql.Tests;

/// <summary>One real PostgreSQL for the whole collection, started before its first test and stopped after its last.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private int _serial;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL did not start.");

    /// <summary>A role name no other test uses.</summary>
    public string NewUserName(string prefix) => $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _serial)}";

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
