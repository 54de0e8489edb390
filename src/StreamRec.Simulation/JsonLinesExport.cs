using System.Collections.Concurrent;

namespace StreamRec.Simulation;

/// <summary>
/// Two threads, one order: the sweep fills blocks of events on one, the caller's thread formats and writes them
/// on the other, block after block. Which thread runs when changes nothing in the bytes; a bounded hand-over
/// keeps at most a few blocks in memory.
/// </summary>
internal static class JsonLinesExport
{
    private const int BlockEvents = 16 * 1024;
    private const int BlocksInFlight = 4;

    /// <summary>
    /// Writes the whole log to <paramref name="destination"/> and, when given (the sweep must then report truths),
    /// each visit's truth to <paramref name="truth"/>; returns the number of events.
    /// </summary>
    public static long Write(WorldSweep sweep, Stream destination, Stream? truth, CancellationToken cancellationToken)
    {
        var formatter = new JsonLineFormatter(sweep.Rooms);
        using var truthFormatter = truth is null ? null : new TruthLineFormatter();
        using var filled = new BlockingCollection<Block>(BlocksInFlight);
        using var empty = new BlockingCollection<Block>();
        for (var i = 0; i < BlocksInFlight + 2; i++)
        {
            empty.Add(new Block(), CancellationToken.None);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Factory.StartNew(
            () => Produce(sweep, empty, filled, stop.Token), stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var buffer = new byte[BlockEvents * JsonLineFormatter.MaxLineLength];
        long written = 0;
        var consumed = false;
        try
        {
            foreach (var block in filled.GetConsumingEnumerable(stop.Token))
            {
                var length = 0;
                var truths = 0;
                foreach (ref readonly var e in block.Events.AsSpan(0, block.Count))
                {
                    length += formatter.Format(e, ++written, buffer.AsSpan(length));
                    if (truth is not null && truthFormatter is not null && e.Kind == WorldEventKind.Click && e.Data == 1)
                    {
                        truthFormatter.Write(block.Truths[truths++], written, truth);
                    }
                }

                destination.Write(buffer, 0, length);
                empty.Add(block, stop.Token);
            }

            consumed = true;
        }
        finally
        {
            if (!consumed)
            {
                // Writing failed or was cancelled: stop the sweep and let the collections outlive it.
                stop.Cancel();
                try
                {
                    producer.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                    // The writer's exception is the one the caller sees.
                }
            }
        }

        producer.GetAwaiter().GetResult();
        return written;
    }

    private static void Produce(WorldSweep sweep, BlockingCollection<Block> empty, BlockingCollection<Block> filled, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var block = empty.Take(cancellationToken);
                block.Truths.Clear();
                block.Count = sweep.Fill(block.Events, block.Truths);
                if (block.Count == 0)
                {
                    return;
                }

                filled.Add(block, cancellationToken);
            }
        }
        finally
        {
            filled.CompleteAdding();
        }
    }

    private sealed class Block
    {
        public WorldEvent[] Events { get; } = new WorldEvent[BlockEvents];

        public int Count { get; set; }

        /// <summary>The truths of the block's first clicks of visits, in their order (empty when not asked for).</summary>
        public List<VisitTruth> Truths { get; } = [];
    }
}
