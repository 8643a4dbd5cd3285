using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new ApiSecretOptions();
        Assert.Null(options.Namespace);
        Assert.Empty(options.SecretNames);
        Assert.Null(options.LabelSelector);
        Assert.Null(options.Client);
        Assert.False(options.KeepKeysOnDelete);
        Assert.False(options.Optional);
        Assert.True(options.TrimTrailingNewline);
        Assert.Equal(TimeSpan.FromMinutes(5), options.WatchTimeout);
        Assert.Null(options.WatchIdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5.5), options.EffectiveIdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ReconnectSpread);
    }

    [Fact]
    public void Entry_points_check_their_arguments()
    {
        KubernetesSecretsBuilder? captured = null;
        new ConfigurationBuilder().AddKubernetesSecrets(s => captured = s);
        var builder = captured!;

        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => KubernetesApiSecretsBuilderExtensions.FromApi(null!, "db")).ParamName);
        Assert.Equal("secretNames", Assert.Throws<ArgumentNullException>(() => builder.FromApi((string[])null!)).ParamName);
        Assert.Equal("secretNames", Assert.Throws<ArgumentException>(() => builder.FromApi(Array.Empty<string>())).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => builder.FromApi((Action<ApiSecretOptions>)null!)).ParamName);
        Assert.Equal("SecretNames", Assert.Throws<ArgumentException>(() => builder.FromApi(_ => { })).ParamName);
        Assert.Equal("SecretNames", Assert.Throws<ArgumentException>(() => builder.FromApi("db", "db")).ParamName);
        Assert.Equal("SecretNames", Assert.Throws<ArgumentException>(() => builder.FromApi("a,b")).ParamName);
        Assert.Equal("Namespace", Assert.Throws<ArgumentException>(() => builder.FromApi(o => { o.SecretNames.Add("db"); o.Namespace = " "; })).ParamName);
        Assert.Equal("WatchTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => builder.FromApi(o => { o.SecretNames.Add("db"); o.WatchTimeout = TimeSpan.Zero; })).ParamName);
        Assert.Equal("WatchIdleTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => builder.FromApi(o => { o.SecretNames.Add("db"); o.WatchIdleTimeout = TimeSpan.Zero; })).ParamName);
        Assert.Equal("ReconnectSpread", Assert.Throws<ArgumentOutOfRangeException>(() => builder.FromApi(o => { o.SecretNames.Add("db"); o.ReconnectSpread = TimeSpan.FromSeconds(-1); })).ParamName);
        Assert.Same(builder, builder.FromApi(o => o.LabelSelector = "app=x"));
    }

    [Fact]
    public void Namespace_defaults_to_the_pod_namespace_then_the_kubeconfig_then_default()
    {
        var folder = Directory.CreateTempSubdirectory("k8ssecrets-sa-");
        try
        {
            Assert.Equal("explicit", ApiConnection.ResolveNamespace("explicit", folder.FullName, () => "from-kubeconfig"));
            Assert.Equal("from-kubeconfig", ApiConnection.ResolveNamespace(null, folder.FullName, () => "from-kubeconfig"));
            Assert.Equal("default", ApiConnection.ResolveNamespace(null, folder.FullName, () => null));
            File.WriteAllText(Path.Join(folder.FullName, "namespace"), "payments\n");
            Assert.Equal("payments", ApiConnection.ResolveNamespace(null, folder.FullName, () => "from-kubeconfig"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Watch_backoff_uses_the_builders_policy_the_reconnect_spread_and_a_capped_retry_after()
    {
        var retry = ContextProbe.Capture(s =>
        {
            s.MinRetryDelay = TimeSpan.FromSeconds(1);
            s.MaxRetryDelay = TimeSpan.FromSeconds(30);
            s.MaxRetryAfter = TimeSpan.FromMinutes(10);
        }).Retry;
        var spread = TimeSpan.FromSeconds(10);

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(TimeSpan.Zero, WatchBackoff.Delay(0, dropped: false, null, retry, spread));
            Assert.InRange(WatchBackoff.Delay(0, dropped: true, null, retry, spread), TimeSpan.Zero, spread);
            Assert.InRange(WatchBackoff.Delay(1, dropped: false, null, retry, spread), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
            Assert.InRange(WatchBackoff.Delay(4, dropped: false, null, retry, spread), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
            Assert.InRange(WatchBackoff.Delay(50, dropped: false, null, retry, spread), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
        }

        var throttled = new ApiFailure(429, "HTTP 429", TimeSpan.FromSeconds(90));
        Assert.Equal(TimeSpan.FromSeconds(90), WatchBackoff.Delay(1, dropped: false, throttled, retry, spread));
        var absurd = new ApiFailure(429, "HTTP 429", TimeSpan.FromDays(1));
        Assert.Equal(TimeSpan.FromMinutes(10), WatchBackoff.Delay(1, dropped: false, absurd, retry, spread));
    }
}
