using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A TCP forwarder on a loopback port in front of a fake store, for a server that goes away and
/// comes back on the same address: <see cref="Down"/> resets every open connection and stops
/// listening (a connect is then refused, as when the process is gone), <see cref="Up"/> listens
/// again on the same port. The fake behind it keeps its state, as a store with persistent storage does.
/// </summary>
public sealed class OutageProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<int, (TcpClient Client, TcpClient Upstream)> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private TcpListener? _listener;
    private int _port;
    private int _serial;
    private int _accepted;
    private int _generation;

    private OutageProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
    }

    /// <summary>Gets the address to give the clients: <c>http://127.0.0.1:{port}/</c>, the same before and after an outage.</summary>
    public Uri Address => new($"http://127.0.0.1:{_port}/");

    /// <summary>Gets how many connections are open through the proxy now.</summary>
    public int OpenConnections => _open.Count;

    /// <summary>Gets how many connections the proxy accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Gets a value indicating whether the proxy is listening.</summary>
    public bool IsUp
    {
        get
        {
            lock (_lock)
            {
                return _listener is not null;
            }
        }
    }

    /// <summary>Starts forwarding a free loopback port to <paramref name="target"/> (an <c>http://127.0.0.1:port/</c> address).</summary>
    public static OutageProxy Start(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var proxy = new OutageProxy(target);
        proxy.Up();
        return proxy;
    }

    /// <summary>Resets every open connection and stops listening: new connections are refused until <see cref="Up"/>.</summary>
    public void Down()
    {
        lock (_lock)
        {
            _listener?.Stop();
            _listener = null;
            _generation++;
        }

        foreach (var id in _open.Keys)
        {
            if (_open.TryRemove(id, out var pair))
            {
                Reset(pair.Client);
                Reset(pair.Upstream);
            }
        }
    }

    /// <summary>Listens again, on the same port as before.</summary>
    public void Up()
    {
        lock (_lock)
        {
            if (_listener is not null)
            {
                return;
            }

            var listener = new TcpListener(IPAddress.Loopback, _port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start(backlog: 1024);
            _port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _listener = listener;
            _loops.Add(AcceptAsync(listener));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Down();
        Task[] loops;
        lock (_lock)
        {
            loops = [.. _loops];
        }

        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            if (client.Client is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0); // an RST, as a dying process's kernel sends
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        client.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        var pumps = new List<Task>();
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _accepted);
                pumps.RemoveAll(static p => p.IsCompleted);
                pumps.Add(ForwardAsync(client, Generation));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Down or disposed: the listener is closed.
        }

        await Task.WhenAll(pumps).ConfigureAwait(false);
    }

    private int Generation
    {
        get
        {
            lock (_lock)
            {
                return _generation;
            }
        }
    }

    private async Task ForwardAsync(TcpClient client, int generation)
    {
        var id = Interlocked.Increment(ref _serial);
        var upstream = new TcpClient { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
            _open[id] = (client, upstream);
            if (Generation != generation)
            {
                // Went down (and maybe up again) while this one was connecting: it dies with the rest.
                Reset(client);
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var there = client.GetStream().CopyToAsync(upstream.GetStream(), done.Token);
            var back = upstream.GetStream().CopyToAsync(client.GetStream(), done.Token);
            await Task.WhenAny(there, back).ConfigureAwait(false);
            await done.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(there, back).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // One side went away (or the proxy reset both): the other side is closed below.
        }
        finally
        {
            _open.TryRemove(id, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }
}
