using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace StreamRec.Kafka.Embedded;

/// <summary>
/// Accepts TCP connections on a fixed loopback endpoint and relays each one, byte for byte and in
/// both directions, to a target endpoint.
/// </summary>
/// <remarks>
/// The librdkafka mock broker always listens on an ephemeral port; it can only change the address it
/// advertises. The relay is what makes an advertised fixed port actually answer.
/// A half-close is forwarded (end of stream on one side shuts down sending on the other), so
/// neither side sees a connection cut while its peer still has bytes in flight.
/// </remarks>
internal sealed class TcpRelay : IAsyncDisposable, IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Socket _listener;
    private readonly EndPoint _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly Task _acceptLoop;
    private long _nextConnectionId;
    private int _disposed;

    private TcpRelay(Socket listener, EndPoint target)
    {
        _listener = listener;
        _target = target;
        // Off the caller's synchronization context, so relaying never waits on the thread that started it.
        _acceptLoop = Task.Run(() => AcceptLoopAsync(_stopping.Token));
    }

    /// <summary>The endpoint clients connect to.</summary>
    public IPEndPoint ListenEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Binds <paramref name="listen"/> now (so a taken port fails here) and starts accepting.</summary>
    /// <exception cref="SocketException">The endpoint cannot be bound, typically because the port is in use.</exception>
    public static TcpRelay Start(IPEndPoint listen, EndPoint target)
    {
        var listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(listen);
            listener.Listen(backlog: 128);
            return new TcpRelay(listener, target);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>Stops accepting, closes every relayed connection and waits for their tasks to end.</summary>
    /// <remarks>Rethrows what ended the accept loop unexpectedly, if anything did.</remarks>
    public async ValueTask DisposeAsync()
    {
        if (!BeginStop())
        {
            return;
        }

        await _acceptLoop;
        await Task.WhenAll(_connections.Values);
        _stopping.Dispose();
    }

    /// <summary>Stops accepting and cancels every relayed connection without waiting for them to wind down.</summary>
    public void Dispose() => BeginStop();

    private bool BeginStop()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        // Cancelling aborts every pending socket operation; the connections' own using blocks close them.
        _stopping.Cancel();
        _listener.Dispose();
        return true;
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken);
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // Disposal closed the listener under a pending accept: the normal way out.
                return;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = RelayConnectionAsync(client, cancellationToken);
            _connections[id] = connection;
            _ = connection.ContinueWith(
                (_, state) => _connections.TryRemove((long)state!, out Task? _),
                id,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task RelayConnectionAsync(Socket client, CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var clientSocket = client;
        using var upstream = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            clientSocket.NoDelay = true;
            upstream.NoDelay = true;
            await upstream.ConnectAsync(_target, cancellationToken);
            await Task.WhenAll(
                PumpAsync(clientSocket, upstream, cancellationToken),
                PumpAsync(upstream, clientSocket, cancellationToken));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A peer reset, an unreachable broker or relay shutdown ends only this connection; the
            // client sees the drop as a broker disconnect and reconnects, as it would with real Kafka.
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    // Forward the half-close so the other side learns this direction is finished.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                var sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, cancellationToken);
                }
            }
        }
        catch (SocketException)
        {
            // One direction failed: close both sockets so the opposite pump stops instead of waiting forever.
            from.Close();
            to.Close();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
