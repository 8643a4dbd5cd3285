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
        Assert.Equal(TimeSpan.FromSeconds(1), options.MinRetryDelay);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxRetryDelay);
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
        Assert.Equal("MinRetryDelay", Assert.Throws<ArgumentOutOfRangeException>(() => builder.FromApi(o => { o.SecretNames.Add("db"); o.MaxRetryDelay = TimeSpan.FromMilliseconds(1); })).ParamName);
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
    public void Backoff_doubles_is_capped_and_jittered_down_by_at_most_half()
    {
        var options = new ApiSecretOptions { MinRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(30) };

        Assert.Equal(TimeSpan.Zero, WatchBackoff.Delay(0, dropped: false, options, 0.7));
        Assert.Equal(TimeSpan.FromSeconds(7), WatchBackoff.Delay(0, dropped: true, options, 0.7));
        Assert.Equal(TimeSpan.FromSeconds(1), WatchBackoff.Delay(1, dropped: false, options, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(0.5), WatchBackoff.Delay(1, dropped: false, options, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(8), WatchBackoff.Delay(4, dropped: false, options, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(30), WatchBackoff.Delay(50, dropped: false, options, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(15), WatchBackoff.Delay(50, dropped: true, options, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(5), WatchBackoff.Delay(1, dropped: true, options, 0.5));
    }
}
