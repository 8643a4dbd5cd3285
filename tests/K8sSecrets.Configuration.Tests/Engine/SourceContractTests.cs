using K8sSecrets.Configuration.Testing;
using NSubstitute;

namespace K8sSecrets.Configuration.Tests;

/// <summary>
/// The engine's side of the <see cref="SecretSource"/> contract, against a substitute source: no
/// wire protocol is involved, only which members the engine calls, when, and with what.
/// </summary>
public sealed class SourceContractTests
{
    [Fact]
    public void A_source_that_returns_no_result_fails_Build_with_a_message_naming_it()
    {
        // Nothing configured: LoadAsync gives a default ValueTask, whose result is null, as a careless source's would.
        var source = Substitute.ForPartsOf<SecretSource>("substitute", "contract", new FakeSecretSource.Settings());
        using var h = new SecretsHarness();

        var error = Assert.Throws<SecretSourceException>(() => h.Build(secrets => secrets.AddSource(_ => source)));

        Assert.Contains("substitute 'contract' returned no load result", error.Message, StringComparison.Ordinal);
        source.DidNotReceive().StartWatching(Arg.Any<SecretSourceSignals>());
    }

    [Fact]
    public async Task The_engine_reads_everything_first_then_starts_watching_once_and_reads_when_signalled()
    {
        var options = new FakeSecretSource.Settings();
        var source = Substitute.ForPartsOf<SecretSource>("substitute", "contract", options);
        var value = "one";
        source.LoadAsync(Arg.Any<SecretLoadContext>(), Arg.Any<CancellationToken>())
            .Returns(_ =>
            {
                var snapshot = new SecretSnapshot(options);
                snapshot.Add("password", value);
                return ValueTask.FromResult(SecretLoadResult.Read(snapshot));
            });
        SecretSourceSignals? signals = null;
        source.When(s => s.StartWatching(Arg.Any<SecretSourceSignals>())).Do(call => signals = call.Arg<SecretSourceSignals>());
        using var h = new SecretsHarness();

        var config = h.Build(secrets => secrets.AddSource(_ => source));

        Assert.Equal("one", config["password"]);
        Assert.Equal([nameof(SecretSource.LoadAsync), nameof(SecretSource.StartWatching)], ContractCalls(source).Select(c => c.Name));
        var first = Assert.IsType<SecretLoadContext>(ContractCalls(source)[0].Argument);
        Assert.Equal(SecretLoadReason.Initial, first.Reason);
        Assert.True(first.ReadAll);

        value = "two";
        signals!.RequestRefresh();

        await Eventually.HoldsAsync(() => config["password"] == "two", "a signalled read is published");
        var second = Assert.IsType<SecretLoadContext>(ContractCalls(source)[2].Argument);
        Assert.Equal(SecretLoadReason.Notified, second.Reason);
        Assert.False(second.ReadAll);
        source.Received(1).StartWatching(Arg.Any<SecretSourceSignals>());
    }

    private static List<(string Name, object? Argument)> ContractCalls(SecretSource source)
        => [.. source.ReceivedCalls()
            .Select(c => (c.GetMethodInfo().Name, c.GetArguments().FirstOrDefault()))
            .Where(c => c.Name is nameof(SecretSource.LoadAsync) or nameof(SecretSource.StartWatching))];
}
