using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void Entry_points_name_the_null_argument()
    {
        IConfigurationBuilder builder = null!;
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => builder.AddKubernetesSecrets(_ => { })).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => new ConfigurationBuilder().AddKubernetesSecrets((Action<KubernetesSecretsBuilder>)null!)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => new ConfigurationBuilder().AddKubernetesSecrets((string)null!)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddKubernetesSecrets(" ")).ParamName);
        Assert.Equal("factory", Assert.Throws<ArgumentNullException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s => s.AddSource(null!))).ParamName);
    }

    [Fact]
    public void Invalid_settings_are_refused_with_the_setting_named()
    {
        Assert.Equal(
            "PollInterval",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromVolume("/x", v => v.PollInterval = TimeSpan.Zero))).ParamName);
        Assert.Equal(
            "Debounce",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromVolume("/x", v => v.Debounce = TimeSpan.FromSeconds(-1)))).ParamName);
        Assert.Equal(
            "MinRetryDelay",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s => s.MaxRetryDelay = TimeSpan.FromMilliseconds(1))).ParamName);
    }

    [Fact]
    public void Snapshot_and_source_arguments_are_checked()
    {
        var snapshot = new SecretSnapshot(new FakeSecretSource.Settings());
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => snapshot.Add(string.Empty, "v")).ParamName);
        Assert.Equal("reason", Assert.Throws<ArgumentNullException>(() => snapshot.AddFailure("n", null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new SecretSnapshot(null!)).ParamName);
    }
}
