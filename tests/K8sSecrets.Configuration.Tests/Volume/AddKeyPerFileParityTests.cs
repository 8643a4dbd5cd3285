using System.Text;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Tests;

/// <summary>
/// The README's "Differences from AddKeyPerFile", checked: <c>AddKeyPerFile</c> and
/// <c>AddKubernetesSecrets</c> run on the same folder, and each test asserts where they agree and
/// where they differ on purpose. A row of the README without a test here is a row nobody checks.
/// </summary>
public sealed class AddKeyPerFileParityTests
{
    [Fact]
    public void Plain_files_delimiters_newline_and_bom_give_the_same_keys()
    {
        using var folder = new TempFolder();
        folder.Write("password", "s3cret\n");
        folder.Write("ConnectionStrings__Db", "Server=db");
        folder.Write("empty", string.Empty);
        File.WriteAllBytes(Path.Join(folder.Root, "bom"), [0xEF, 0xBB, 0xBF, (byte)'v']);

        using var theirs = Peer(folder.Root);
        using var ours = Ours(folder.Root);

        AssertSame(theirs, ours);
        Assert.Equal("s3cret", ours["password"]);
        Assert.Equal("Server=db", ours["ConnectionStrings:Db"]);
        Assert.Equal("v", ours["bom"]);
        Assert.Equal(string.Empty, ours["empty"]);
    }

    [Fact]
    public void Ignore_prefix_default_is_the_peers_on_the_path_ladder_and_on_FromVolume()
    {
        using var folder = new TempFolder();
        folder.Write("password", "p");
        folder.Write("ignore.password", "old");
        folder.Write("Ignore.upper", "u"); // the prefix is case-sensitive in both

        using var theirs = Peer(folder.Root);
        using var ours = Ours(folder.Root);
        using var fromVolume = Build(new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromVolume(folder.Root)));

        AssertSame(theirs, ours);
        AssertSame(theirs, fromVolume);
        Assert.Null(ours["ignore.password"]);
        Assert.Equal("u", ours["Ignore.upper"]);
    }

    [Fact]
    public void Custom_ignore_prefix_and_condition_match_the_peers()
    {
        using var folder = new TempFolder();
        folder.Write("password", "p");
        folder.Write("ignore.password", "i");
        folder.Write("skip.me", "s");
        folder.Write("user.bak", "b");

        using var theirsPrefix = Build(new ConfigurationBuilder().AddKeyPerFile(source =>
        {
            source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(folder.Root);
            source.IgnorePrefix = "skip.";
        }));
        using var oursPrefix = Ours(folder.Root, v => v.IgnorePrefix = "skip.");
        AssertSame(theirsPrefix, oursPrefix);
        Assert.Equal("i", oursPrefix["ignore.password"]);
        Assert.Null(oursPrefix["skip.me"]);

        using var theirsCondition = Build(new ConfigurationBuilder().AddKeyPerFile(source =>
        {
            source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(folder.Root);
            source.IgnoreCondition = name => name.EndsWith(".bak", StringComparison.Ordinal);
        }));
        using var oursCondition = Ours(folder.Root, v => v.IgnoreCondition = name => name.EndsWith(".bak", StringComparison.Ordinal));
        AssertSame(theirsCondition, oursCondition);
        Assert.Null(oursCondition["user.bak"]);
        Assert.Equal("i", oursCondition["ignore.password"]); // a condition replaces the prefix, in both
    }

    [Fact]
    public void A_custom_section_delimiter_is_KeyDelimiters()
    {
        using var folder = new TempFolder();
        folder.Write("Database_Password", "p");
        folder.Write("Api__Key", "k");

        using var theirs = Build(new ConfigurationBuilder().AddKeyPerFile(source =>
        {
            source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(folder.Root);
            source.SectionDelimiter = "_";
        }));
        using var ours = Ours(folder.Root, v => v.KeyDelimiters = ["_"]);

        AssertSame(theirs, ours);
        Assert.Equal("p", ours["Database:Password"]);
        Assert.Equal("k", ours["Api::Key"]); // "__" is two delimiters in both
    }

    [Fact]
    public void A_relative_path_is_refused_at_the_Add_call_by_both()
    {
        var peer = Assert.ThrowsAny<ArgumentException>(() => new ConfigurationBuilder().AddKeyPerFile("relative/secrets", optional: false));
        var ladder = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddKubernetesSecrets("relative/secrets"));
        var fromVolume = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromVolume("relative/secrets")));

        Assert.Contains("absolute", peer.Message, StringComparison.Ordinal);
        Assert.Contains("'relative/secrets'", ladder.Message, StringComparison.Ordinal);
        Assert.Contains("ContentRootPath", ladder.Message, StringComparison.Ordinal);
        Assert.Equal("path", fromVolume.ParamName);
    }

    [Fact]
    public void A_missing_optional_folder_starts_empty_in_both()
    {
        var missing = Path.Join(Path.GetTempPath(), "k8ssecrets-missing-" + Guid.NewGuid().ToString("N"));

        using var theirs = Peer(missing, optional: true);
        using var ours = Ours(missing, v => v.Optional = true);

        Assert.Empty(theirs.AsEnumerable());
        Assert.Empty(ours.AsEnumerable());
    }

    [Fact]
    public void A_missing_required_folder_differs_in_exception_type_but_carries_the_peers_as_inner()
    {
        var missing = Path.Join(Path.GetTempPath(), "k8ssecrets-missing-" + Guid.NewGuid().ToString("N"));

        Assert.Throws<DirectoryNotFoundException>(() => Peer(missing));
        var ours = Assert.Throws<SecretSourceException>(() => Ours(missing));

        Assert.Contains(missing, ours.Message, StringComparison.Ordinal);
        Assert.IsType<DirectoryNotFoundException>(ours.InnerException);
    }

    [Fact]
    public void Hidden_files_are_skipped_by_both_but_docker_config_keys_only_by_the_peer()
    {
        using var folder = new TempFolder();
        folder.Write("password", "p");
        folder.Write(".gitkeep", string.Empty);
        folder.Write(".password.swp", "swap");
        folder.Write(".dockerconfigjson", "{\"auths\":{}}");

        using var theirs = Peer(folder.Root);
        using var ours = Ours(folder.Root);

        Assert.Null(theirs[".gitkeep"]);
        Assert.Null(ours[".gitkeep"]);
        Assert.Null(ours[".password.swp"]);
        Assert.Null(theirs[".dockerconfigjson"]);
        Assert.Equal("{\"auths\":{}}", ours[".dockerconfigjson"]);
        Assert.Equal(Keys(theirs).Append(".dockerconfigjson").Order(StringComparer.OrdinalIgnoreCase), Keys(ours));
    }

    [Fact]
    public void A_kubelet_volume_gives_the_same_keys_at_start_but_dot_keys_only_in_ours()
    {
        using var volume = new KubeletVolume();
        volume.Write(("username", "admin"), ("password", "p"), (".dockerconfigjson", "{}"));

        using var theirs = Peer(volume.Root);
        using var ours = Ours(volume.Root);

        Assert.Equal("admin", theirs["username"]);
        Assert.Equal("p", theirs["password"]);
        Assert.Null(theirs["..data"]);
        Assert.Null(theirs[".dockerconfigjson"]);
        Assert.Equal(Keys(theirs).Append(".dockerconfigjson").Order(StringComparer.OrdinalIgnoreCase), Keys(ours));
    }

    [Fact]
    public void Subfolders_are_keys_in_ours_and_skipped_by_the_peer()
    {
        using var folder = new TempFolder();
        folder.Write("top", "t");
        folder.Write("db/pass", "nested");

        using var theirs = Peer(folder.Root);
        using var ours = Ours(folder.Root);

        Assert.Null(theirs["db:pass"]);
        Assert.Equal("nested", ours["db:pass"]);
        Assert.Equal("t", theirs["top"]);
        Assert.Equal("t", ours["top"]);
    }

    [Fact]
    public void A_CRLF_ending_is_trimmed_whole_in_ours_and_half_by_the_peer()
    {
        using var folder = new TempFolder();
        folder.Write("windows", "value\r\n");

        using var theirs = Peer(folder.Root);
        using var ours = Ours(folder.Root);

        Assert.Equal("value", ours["windows"]);
        Assert.Equal(OperatingSystem.IsWindows() ? "value" : "value\r", theirs["windows"]);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_base64_in_ours_and_replaced_by_the_peer()
    {
        using var folder = new TempFolder();
        byte[] binary = [0xFF, 0x00, 0xFE];
        File.WriteAllBytes(Path.Join(folder.Root, "keystore"), binary);

        using var theirs = Peer(folder.Root);
        using var ours = Ours(folder.Root);

        Assert.Equal(Convert.ToBase64String(binary), ours["keystore"]);
        Assert.Contains('\uFFFD', theirs["keystore"]!);
    }

    [Fact]
    public void Two_files_for_one_key_fail_the_peers_build_and_the_last_wins_in_ours()
    {
        using var folder = new TempFolder();
        folder.Write("Password", "upper");
        folder.Write("password", "lower");

        Assert.ThrowsAny<ArgumentException>(() => Peer(folder.Root));
        using var ours = Ours(folder.Root);

        Assert.Equal("lower", ours["password"]); // "password" sorts after "Password" ordinally
    }

    [Fact]
    public void A_deleted_folder_wipes_the_peers_keys_and_keeps_ours()
    {
        using var folder = new TempFolder();
        folder.Write("password", "p");
        using var theirs = Peer(folder.Root, optional: true);
        using var ours = Ours(folder.Root, v => v.Optional = true);

        Directory.Delete(folder.Root, recursive: true);
        theirs.Reload();
        ours.Reload();

        Assert.Null(theirs["password"]);
        Assert.Equal("p", ours["password"]);
    }

    [Fact]
    public void An_emptied_plain_folder_wipes_the_peers_keys_and_keeps_ours_until_files_return()
    {
        using var folder = new TempFolder();
        var file = folder.Write("password", "p");
        using var theirs = Peer(folder.Root);
        using var ours = Ours(folder.Root);

        File.Delete(file);
        theirs.Reload();
        ours.Reload();

        Assert.Null(theirs["password"]);
        Assert.Equal("p", ours["password"]);
        var provider = ours.Providers.OfType<SecretsConfigurationProvider>().Single();
        Assert.Contains("is now empty", provider.GetHealth().LastError, StringComparison.Ordinal);

        folder.Write("password", "back");
        ours.Reload();
        Assert.Equal("back", ours["password"]);
    }

    [Fact]
    public void An_empty_plain_folder_at_start_is_empty_in_both()
    {
        using var folder = new TempFolder();

        using var theirs = Peer(folder.Root);
        using var ours = Ours(folder.Root);

        Assert.Empty(theirs.AsEnumerable());
        Assert.Empty(ours.AsEnumerable());
    }

    [Fact]
    public void An_emptied_kubelet_volume_is_a_Secret_with_no_keys_and_is_published()
    {
        using var volume = new KubeletVolume();
        volume.Write(("password", "p"));
        using var ours = Ours(volume.Root);

        volume.Write(Array.Empty<(string, string)>());
        ours.Reload();

        Assert.Null(ours["password"]);
    }

    private static Disposing Peer(string path, bool optional = false)
        => Build(new ConfigurationBuilder().AddKeyPerFile(path, optional, reloadOnChange: false));

    private static Disposing Ours(string path, Action<VolumeSecretOptions>? configure = null)
        => Build(new ConfigurationBuilder().AddKubernetesSecrets(path, volume =>
        {
            volume.ReloadOnChange = false;
            configure?.Invoke(volume);
        }));

    private static Disposing Build(IConfigurationBuilder builder) => new(builder.Build());

    private static IEnumerable<string> Keys(IConfiguration configuration)
        => configuration.AsEnumerable().Where(p => p.Value is not null).Select(p => p.Key).Order(StringComparer.OrdinalIgnoreCase);

    private static void AssertSame(IConfiguration theirs, IConfiguration ours)
    {
        static string Dump(IConfiguration c) => string.Join(
            "\n",
            c.AsEnumerable().Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
                .Select(p => p.Key.ToUpperInvariant() + "=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value!))));

        var expected = Dump(theirs);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Dump(ours));
    }

    /// <summary>A built configuration that disposes its providers.</summary>
    private sealed class Disposing(IConfigurationRoot root) : IConfigurationRoot, IDisposable
    {
        public string? this[string key] { get => root[key]; set => root[key] = value; }

        public IEnumerable<IConfigurationProvider> Providers => root.Providers;

        public IEnumerable<IConfigurationSection> GetChildren() => root.GetChildren();

        public Microsoft.Extensions.Primitives.IChangeToken GetReloadToken() => root.GetReloadToken();

        public IConfigurationSection GetSection(string key) => root.GetSection(key);

        public void Reload() => root.Reload();

        public void Dispose() => (root as IDisposable)?.Dispose();
    }
}
