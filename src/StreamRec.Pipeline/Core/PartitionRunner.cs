using System.Runtime.ExceptionServices;

namespace StreamRec.Pipeline.Core;

/// <summary>
/// Runs one phase on every partition at once: partition 0 on the calling thread, each other partition on a
/// dedicated thread of its own. The thread pool's parallel loops spin hard while waiting for work, which on a
/// small machine takes the cores the partitions need; these threads block instead.
/// </summary>
internal sealed class PartitionRunner : IDisposable
{
    private readonly PartitionWorker[] _workers;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private readonly Thread[] _threads;
    private Action<PartitionWorker>? _phase;
    private Exception? _failure;
    private volatile bool _stopping;

    public PartitionRunner(PartitionWorker[] workers)
    {
        _workers = workers;
        _start = [.. workers.Skip(1).Select(_ => new SemaphoreSlim(0))];
        _done = new CountdownEvent(Math.Max(1, workers.Length - 1));
        _threads = [.. Enumerable.Range(1, Math.Max(0, workers.Length - 1)).Select(i => new Thread(() => Loop(i))
        {
            IsBackground = true,
            Name = $"streamrec-partition-{i}",
        })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Runs <paramref name="phase"/> on every partition and returns when all are done; rethrows the first failure.</summary>
    public void Run(Action<PartitionWorker> phase)
    {
        if (_workers.Length == 1)
        {
            phase(_workers[0]);
            return;
        }

        _phase = phase;
        _failure = null;
        _done.Reset(_workers.Length - 1);
        foreach (var start in _start)
        {
            start.Release();
        }

        try
        {
            phase(_workers[0]);
        }
        finally
        {
            _done.Wait();
        }

        if (_failure is { } failure)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var start in _start)
        {
            start.Release();
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }

        foreach (var start in _start)
        {
            start.Dispose();
        }

        _done.Dispose();
    }

    private void Loop(int partition)
    {
        while (true)
        {
            _start[partition - 1].Wait();
            if (_stopping)
            {
                return;
            }

            try
            {
                _phase!(_workers[partition]);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
            }
            finally
            {
                _done.Signal();
            }
        }
    }
}
