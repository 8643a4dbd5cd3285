using System.Globalization;
using System.Text;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Benchmarks;

/// <summary>
/// The process that <c>benchmarks/syscalls.sh</c> runs under <c>strace -f -c</c>: a cold load of a
/// kubelet-layout volume written beforehand (so that writing it is not counted), repeated, after one
/// warm-up load of a 1-key volume (so that loading code and JIT work are the same at every size).
/// Subtracting a run on an empty volume leaves what the keys cost.
/// </summary>
internal static class SyscallProbe
{
    /// <summary><c>syscalls make DIR KEYS</c> writes a volume; <c>syscalls ours|kpf DIR WARMUP REPEATS</c> loads it.</summary>
    public static int Run(string[] args)
    {
        switch (args)
        {
            case ["syscalls", "make", var dir, var keys]:
                var volume = new KubeletVolume(dir); // not disposed: the folder outlives this process
                var value = Encoding.UTF8.GetBytes(new string('v', 64));
                volume.Write(Enumerable.Range(0, int.Parse(keys, CultureInfo.InvariantCulture)).ToDictionary(
                    i => "Key" + i.ToString("D4", CultureInfo.InvariantCulture), _ => value));
                return 0;
            case ["syscalls", "ours" or "kpf" or "none", var dir, var warmup, var repeats]:
                var count = 0;
                Load(args[1], warmup, ref count);
                for (var i = int.Parse(repeats, CultureInfo.InvariantCulture); i > 0; i--)
                {
                    Load(args[1], dir, ref count);
                }

                Console.WriteLine(count);
                return 0;
            default:
                Console.Error.WriteLine("usage: syscalls make DIR KEYS | syscalls ours|kpf|none DIR WARMUP-DIR REPEATS");
                return 2;
        }
    }

    private static void Load(string kind, string dir, ref int count)
    {
        if (kind == "none")
        {
            return;
        }

        var root = kind == "ours"
            ? new ConfigurationBuilder().AddKubernetesSecrets(dir, optional: false, reloadOnChange: false).Build()
            : new ConfigurationBuilder().AddKeyPerFile(dir, optional: false, reloadOnChange: false).Build();
        count += root.AsEnumerable().Count();
        ((IDisposable)root).Dispose();
    }
}
