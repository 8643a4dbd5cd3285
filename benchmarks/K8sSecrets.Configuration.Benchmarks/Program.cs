using System.Globalization;
using BenchmarkDotNet.Running;
using K8sSecrets.Configuration.Benchmarks;
using K8sSecrets.Configuration.Benchmarks.Fleet;

// "latency" runs the rotation-latency and idle probe, "api" the Kubernetes API (FromApi) probe,
// "aws" the AWS Secrets Manager call-count probe;
// "syscalls" the cold-load process that syscalls.sh counts under strace;
// "google" the Google Secret Manager probe; "azure" the Azure Key Vault probe;
// "fleet-vault" and "fleet-api" the Vault restart and Kubernetes API reconnect fleets;
// anything else goes to BenchmarkDotNet.
if (args is ["latency", ..])
{
    return await LatencyProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 25);
}

if (args is ["api", ..])
{
    return await ApiProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
}

if (args is ["aws", ..])
{
    return await AwsProbe.RunAsync(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
}

if (args is ["google", ..])
{
    return await GoogleProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50);
}

if (args is ["syscalls", ..])
{
    return SyscallProbe.Run(args);
}

if (args is ["fleet-vault", ..] or ["fleet", "vault", ..])
{
    return await K8sSecrets.Configuration.Benchmarks.Fleet.VaultFleet.MainAsync(args[(args[0] == "fleet" ? 2 : 1)..]);
}

if (args is ["fleet-api", ..] or ["fleet", "api", ..])
{
    return await K8sSecrets.Configuration.Benchmarks.Fleet.ApiFleet.MainAsync(args[(args[0] == "fleet" ? 2 : 1)..]);
}

if (args is ["fleet", ..] && (args.Length == 1 || args[1].StartsWith("--", StringComparison.Ordinal) || CloudFleetCommand.Handles(args[1])))
{
    // The cloud stores' fleets; "fleet vault" and "fleet api" are the Vault and Kubernetes API scenarios.
    return await CloudFleetCommand.RunAsync(args);
}

if (args is ["azure", ..])
{
    return await AzureProbe.RunAsync();
}

BenchmarkSwitcher.FromAssembly(typeof(LoadBenchmarks).Assembly).Run(args);
return 0;
