using System.Globalization;
using BenchmarkDotNet.Running;
using K8sSecrets.Configuration.Benchmarks;

// "latency" runs the rotation-latency and idle probe, "api" the Kubernetes API (FromApi) probe;
// anything else goes to BenchmarkDotNet.
if (args is ["latency", ..])
{
    return await LatencyProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 25);
}

if (args is ["api", ..])
{
    return await ApiProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
}

if (args is ["azure", ..])
{
    return await AzureProbe.RunAsync();
}

BenchmarkSwitcher.FromAssembly(typeof(LoadBenchmarks).Assembly).Run(args);
return 0;
