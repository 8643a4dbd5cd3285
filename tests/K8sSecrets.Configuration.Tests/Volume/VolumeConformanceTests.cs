using System.Text;
using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Tests;

/// <summary>The shared source checks, for a Secret volume written as the kubelet writes it.</summary>
public sealed class VolumeConformanceTests : SecretSourceConformanceTests<VolumeConformanceTests.Store>
{
    protected override Task<Store> StartStoreAsync() => Task.FromResult(new Store());

    protected override void Configure(KubernetesSecretsBuilder secrets, Store store, Action<SecretSourceOptions> options)
        => secrets.FromVolume(store.Root, volume =>
        {
            volume.PollInterval = TimeSpan.FromMilliseconds(100);
            volume.Debounce = TimeSpan.FromMilliseconds(20);
            options(volume);
        });

    /// <summary>A kubelet-style volume; an outage is the mount folder gone.</summary>
    public sealed class Store : IConformanceStore
    {
        private readonly KubeletVolume _volume = new();
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private bool _broken;

        public string Root => _volume.Root;

        public string SourceName => Root;

        public int Requests => 0;

        public Task SetAsync(string name, string value)
        {
            _values[name] = value;
            return WriteAsync();
        }

        public Task RemoveAsync(string name)
        {
            _values.Remove(name);
            return WriteAsync();
        }

        public Task BreakAsync()
        {
            _broken = true;
            Directory.Delete(Root, recursive: true);
            return Task.CompletedTask;
        }

        public Task HealAsync()
        {
            _broken = false;
            Directory.CreateDirectory(Root);
            return WriteAsync();
        }

        public ValueTask DisposeAsync()
        {
            _volume.Dispose();
            return ValueTask.CompletedTask;
        }

        private Task WriteAsync()
            => _broken ? Task.CompletedTask : _volume.WriteAsync(_values.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)), force: true);
    }
}
