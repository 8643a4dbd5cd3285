using BenchmarkDotNet.Running;
using K8sSecrets.Configuration.Benchmarks;

// "latency" runs the rotation-latency and idle probe; anything else goes to BenchmarkDotNet.
if (args is ["latency", ..])
{
    return await LatencyProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 25);
}

BenchmarkSwitcher.FromAssembly(typeof(LoadBenchmarks).Assembly).Run(args);
return 0;
