using System.Text;
using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// A mounted Secret volume. As the kubelet writes it (<paramref name="kubelet"/>), the whole volume is
/// one group: every write is a new generation swapped in by one rename, so a published state shows one
/// version. As a plain folder (a sync tool writing file by file), each file is its own group and a
/// published state may legitimately show files of different versions, but never a key missing nor a
/// value the store did not write. Faults: the <c>..data</c> link or the whole folder gone for a while,
/// a kubelet write paused half way while time passes, the watcher failing or unable to start
/// (inotify limit), and wall-clock steps.
/// </summary>
internal sealed class VolumeChaosTarget(bool kubelet) : IChaosTarget
{
    private static readonly string[] s_faults = ["data-blip", "folder-blip", "paused-write", "watcher-error", "inotify-off", "inotify-on", "clock-step"];

    private readonly List<ChaosWatcher> _watchers = [];
    private readonly List<string> _graveyard = [];
    private ChaosWorld _world = null!;
    private KubeletVolume _volume = null!;
    private volatile bool _inotifyOff;
    private int _pauseNextWrite = -1;

    public string Name => kubelet ? "volume" : "volume-plain";

    public int Groups => kubelet ? 1 : 4;

    public int KeysPerGroup => kubelet ? 5 : 1;

    public bool CanDeleteGroup => kubelet;

    public bool WritesManyGroups => !kubelet;

    /// <summary>
    /// After the faults stop, the next read comes at the latest when the failure backoff ends
    /// (MaxRetryDelay, 30 s) or at the next poll (5 s) if notifications are off; a paused write or a
    /// blip is undone within its own step. 60 s leaves room for one more failed read.
    /// </summary>
    public TimeSpan ConvergenceBound => TimeSpan.FromSeconds(60);

    public long Activity => 0;

    public IEnumerable<string> Credentials => [];

    private string Root => _volume.Root;

    public Task StartAsync(ChaosWorld world)
    {
        _world = world;
        _volume = new KubeletVolume();
        return Task.CompletedTask;
    }

    public void AddSource(KubernetesSecretsBuilder secrets)
        => secrets.FromVolume(Root, options =>
        {
            options.PollInterval = TimeSpan.FromSeconds(5);
            options.WatcherFactory = path =>
            {
                if (_inotifyOff)
                {
                    throw new IOException("The configured user limit (128) on the number of inotify instances has been reached.");
                }

                var watcher = new ChaosWatcher(path);
                lock (_watchers)
                {
                    _watchers.Add(watcher);
                }

                return watcher;
            };
        });

    public async Task WriteAsync(WriteStep write)
    {
        if (!kubelet)
        {
            foreach (var (group, mask) in write.Masks)
            {
                var path = Path.Join(Root, ChaosStore.Key(group, 0));
                if (mask == 0)
                {
                    File.Delete(path);
                }
                else
                {
                    File.WriteAllText(path, ChaosStore.Value(write.N, ChaosStore.Key(group, 0)));
                }
            }

            return;
        }

        var payload = ChaosStore.Content(write.N, 0, write.Masks[0]).ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value));
        var pause = Interlocked.Exchange(ref _pauseNextWrite, -1);
        await _volume.WriteAsync(payload, async step =>
        {
            if ((int)step == pause)
            {
                // The kubelet stalls mid-write (a slow disk, a CPU-starved node) while time passes.
                await _world.SettleAsync();
                await _world.AdvanceAsync(TimeSpan.FromSeconds(3));
            }
        });
    }

    public FaultStep NextFault(Random random)
    {
        var name = s_faults[random.Next(kubelet ? s_faults.Length : s_faults.Length)];
        return name switch
        {
            "data-blip" or "folder-blip" => new FaultStep(name, random.Next(1, 40)),
            "paused-write" => new FaultStep(name, random.Next(Enum.GetValues<KubeletStep>().Length)),
            "clock-step" => new FaultStep(name, random.Next(-48, 49)),
            _ => new FaultStep(name),
        };
    }

    public async Task ApplyAsync(FaultStep fault)
    {
        switch (fault.Name)
        {
            case "data-blip" when kubelet:
                await DataBlipAsync(TimeSpan.FromMilliseconds(fault.Arg * 250));
                break;
            case "folder-blip":
                await FolderBlipAsync(TimeSpan.FromMilliseconds(fault.Arg * 250));
                break;
            case "paused-write":
                _pauseNextWrite = fault.Arg;
                break;
            case "watcher-error":
                FailWatchers();
                break;
            case "inotify-off":
                _inotifyOff = true;
                FailWatchers();
                break;
            case "inotify-on":
                _inotifyOff = false;
                break;
            case "clock-step":
                _world.Clock.WallClockStep += TimeSpan.FromHours(fault.Arg);
                break;
            default:
                break; // a fault this layout has no use for (a plain folder has no ..data)
        }
    }

    public Task HealAsync()
    {
        _inotifyOff = false;
        _pauseNextWrite = -1;
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _volume?.Dispose();
        lock (_watchers)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Dispose();
            }
        }

        foreach (var away in _graveyard)
        {
            Directory.Delete(away, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The <c>..data</c> link disappears for a while (mid-unmount, a kubelet restart) and comes back unchanged.</summary>
    private async Task DataBlipAsync(TimeSpan gone)
    {
        var data = Path.Join(Root, KubeletVolume.DataLink);
        if (new FileInfo(data).LinkTarget is not { } target)
        {
            return;
        }

        File.Delete(data);
        await _world.SettleAsync();
        await _world.AdvanceAsync(gone);
        File.CreateSymbolicLink(data, target);
    }

    /// <summary>The whole folder disappears for a while (a remount) and comes back as a new folder with the same content.</summary>
    private async Task FolderBlipAsync(TimeSpan gone)
    {
        // The old folder is kept until the end of the seed, as an unmount would leave it to the kubelet: a
        // FileSystemWatcher whose folder is deleted before its disposal keeps its inotify instance for good
        // (dotnet/runtime#35439), and a long run of seeds would take the whole per-user limit of 128 from
        // every process of the machine. The library polls after 8 replacements (VolumeWatcher.MaxRootReplacements).
        var away = $"{Root}.away{_graveyard.Count}";
        _graveyard.Add(away);
        Directory.Move(Root, away);
        await _world.SettleAsync();
        await _world.AdvanceAsync(gone);
        Directory.CreateDirectory(Root);
        foreach (var entry in Directory.EnumerateFileSystemEntries(away))
        {
            var name = Path.GetFileName(entry);
            if (new FileInfo(entry).LinkTarget is { } link)
            {
                File.CreateSymbolicLink(Path.Join(Root, name), link);
            }
            else if (Directory.Exists(entry))
            {
                Directory.Move(entry, Path.Join(Root, name));
            }
            else
            {
                File.Move(entry, Path.Join(Root, name));
            }
        }
    }

    private void FailWatchers()
    {
        ChaosWatcher[] watchers;
        lock (_watchers)
        {
            watchers = [.. _watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher.Fail();
        }
    }
}
