using System.Security.Cryptography.X509Certificates;

namespace K8sSecrets.Configuration.AspNetCore.Tests;

/// <summary>
/// Clients sending GETs in a loop until stopped: the even ones reuse their pooled connection, the
/// odd ones open a new connection (a new handler) per request. Counts every failure.
/// </summary>
public sealed class LoadRun
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private int _requests;
    private int _failures;
    private int _reused;
    private int _fresh;
    private Exception? _firstFailure;

    public LoadRun(Uri address, X509Certificate2 root, int clients, Func<HttpClient>? reusedClient = null, Func<HttpClient>? freshClient = null)
    {
        reusedClient ??= () => new HttpClient(ProbeClient.Handler(root));
        freshClient ??= () => new HttpClient(ProbeClient.Handler(root));
        _clients = [.. Enumerable.Range(0, clients).Select(i => Task.Run(() => LoopAsync(address, i % 2 == 0, reusedClient, freshClient)))];
    }

    public int ReusedConnectionRequests => Volatile.Read(ref _reused);

    public int NewConnectionRequests => Volatile.Read(ref _fresh);

    public async Task<(int Requests, int Failures, Exception? FirstFailure)> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        return (_requests, _failures, _firstFailure);
    }

    private async Task LoopAsync(Uri address, bool reuse, Func<HttpClient> reusedClient, Func<HttpClient> freshClient)
    {
        using var shared = reusedClient();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (reuse)
                {
                    using var response = await shared.GetAsync(address);
                    response.EnsureSuccessStatusCode();
                    Interlocked.Increment(ref _reused);
                }
                else
                {
                    using var fresh = freshClient();
                    using var response = await fresh.GetAsync(address);
                    response.EnsureSuccessStatusCode();
                    Interlocked.Increment(ref _fresh);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _firstFailure, e, null);
                Interlocked.Increment(ref _failures);
            }

            Interlocked.Increment(ref _requests);
        }
    }
}
