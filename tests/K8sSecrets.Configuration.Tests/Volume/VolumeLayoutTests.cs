using System.Text;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Tests;

public sealed class VolumeLayoutTests
{
    [Fact]
    public void Keys_follow_the_key_per_file_rules_and_skip_kubelet_internals()
    {
        using var volume = new KubeletVolume();
        volume.Write(
            ("ConnectionStrings__Db", "Server=db\n"),
            ("db/pass", "nested"),
            (".dockerconfigjson", "{\"auths\":{}}"),
            ("tls.crt", "CERT"));
        using var harness = new VolumeHarness(volume.Root);

        var data = harness.Snapshot();
        Assert.Equal(
            new[] { ".dockerconfigjson", "ConnectionStrings:Db", "db:pass", "tls.crt" }.Order(StringComparer.Ordinal),
            data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Server=db", data["ConnectionStrings:Db"]);
        Assert.Equal("nested", harness.Root["DB:PASS"]);
        Assert.Equal("{\"auths\":{}}", harness.Root[".dockerconfigjson"]);
        Assert.DoesNotContain(data.Keys, k => k.StartsWith("..", StringComparison.Ordinal));
    }

    [Fact]
    public void A_section_prefixes_every_key()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "p"), ("user__name", "u"));
        using var harness = new VolumeHarness(volume.Root, v => v.Section = "Database");
        Assert.Equal("p", harness.Root["Database:password"]);
        Assert.Equal("u", harness.Root.GetSection("Database")["user:name"]);
        Assert.Null(harness.Root["password"]);
    }

    [Theory]
    [InlineData("value\n", true, "value")]
    [InlineData("value\r\n", true, "value")]
    [InlineData("value\n\n", true, "value\n")]
    [InlineData("value\n", false, "value\n")]
    [InlineData("\uFEFFvalue", true, "value")]
    [InlineData("", true, "")]
    public void One_trailing_newline_is_trimmed_by_default(string content, bool trim, string expected)
    {
        using var volume = new KubeletVolume();
        volume.Write(("key", content));
        using var harness = new VolumeHarness(volume.Root, v => v.TrimTrailingNewline = trim);
        Assert.Equal(expected, harness.Root["key"]);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_published_as_base64_and_named_in_the_log()
    {
        using var volume = new KubeletVolume();
        byte[] binary = [0xFF, 0xFE, 0x00, 0x80, 0x0A];
        volume.Write(new Dictionary<string, byte[]> { ["keystore.jks"] = binary, ["plain"] = "ok"u8.ToArray() });
        using var harness = new VolumeHarness(volume.Root);
        Assert.Equal(Convert.ToBase64String(binary), harness.Root["keystore.jks"]);
        Assert.Equal("ok", harness.Root["plain"]);
        Assert.Contains(harness.Logs.Records, r => r.Id.Name == "KeyNotUtf8" && r.Message.Contains("keystore.jks", StringComparison.Ordinal));
    }

    [Fact]
    public void A_plain_folder_of_files_loads_like_docker_secrets()
    {
        using var folder = new TempFolder();
        var root = folder.Root;
        File.WriteAllText(Path.Join(root, "db_password"), "secret\n");
        Directory.CreateDirectory(Path.Join(root, "api"));
        File.WriteAllText(Path.Join(root, "api", "key"), "k");
        using var harness = new VolumeHarness(root);
        Assert.Equal("secret", harness.Root["db_password"]);
        Assert.Equal("k", harness.Root["api:key"]);
    }

    [Fact]
    public async Task A_generation_is_read_whole_even_before_the_kubelet_creates_its_links()
    {
        using var volume = new KubeletVolume();
        volume.Write(("a", "1"));
        using var harness = new VolumeHarness(volume.Root, v => v.ReloadOnChange = false);

        var checkedMidway = false;
        await volume.WriteAsync(
            new Dictionary<string, byte[]> { ["a"] = "2"u8.ToArray(), ["b"] = "new"u8.ToArray() },
            async step =>
            {
                if (step == KubeletStep.CreateVisibleLinks)
                {
                    // ..data now names the new generation, but the link 'b' does not exist yet.
                    Assert.False(File.Exists(Path.Join(volume.Root, "b")));
                    await harness.Provider.RefreshAsync(CancellationToken.None);
                    Assert.Equal("2", harness.Root["a"]);
                    Assert.Equal("new", harness.Root["b"]);
                    checkedMidway = true;
                }
            });
        Assert.True(checkedMidway);
    }

    [Fact]
    public void Without_reload_on_change_nothing_watches_and_the_first_values_stay()
    {
        using var volume = new KubeletVolume();
        volume.Write(("a", "1"));
        using var harness = new VolumeHarness(volume.Root, v => v.ReloadOnChange = false);
        volume.Write(("a", "2"));
        Assert.Null(((VolumeSecretSource)harness.Provider.Source).PollInterval);
        Assert.Equal("1", harness.Root["a"]);
        harness.Root.Reload();
        Assert.Equal("2", harness.Root["a"]);
    }

    [Fact]
    public void A_required_missing_folder_fails_the_build_naming_the_path_and_the_fix()
    {
        var missing = Path.Join(Path.GetTempPath(), "k8ssecrets-missing-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<SecretSourceException>(() => new ConfigurationBuilder().AddKubernetesSecrets(missing).Build());
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("optional", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overloads_forward_optional_and_reload_on_change()
    {
        var missing = Path.Join(Path.GetTempPath(), "k8ssecrets-missing-" + Guid.NewGuid().ToString("N"));
        using var root = (ConfigurationRoot)new ConfigurationBuilder().AddKubernetesSecrets(missing, optional: true, reloadOnChange: false).Build();
        var provider = root.Providers.OfType<SecretsConfigurationProvider>().Single();
        Assert.True(provider.Source.Options.Optional);
        Assert.False(((VolumeSecretOptions)provider.Source.Options).ReloadOnChange);
        Assert.Equal("volume", provider.SourceKind);
        Assert.Equal(missing, provider.SourceName);
    }

    [Fact]
    public void Several_volumes_in_one_call_each_get_their_section()
    {
        using var db = new KubeletVolume();
        using var api = new KubeletVolume();
        db.Write(("password", "dbpass"));
        api.Write(("key", "apikey"));
        using var root = (ConfigurationRoot)new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.FromVolume(db.Root, volume => volume.Section = "Database");
            secrets.FromVolume(api.Root);
        }).Build();
        Assert.Equal("dbpass", root["Database:password"]);
        Assert.Equal("apikey", root["key"]);
        Assert.Equal(2, root.Providers.Count());
    }

    internal static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
