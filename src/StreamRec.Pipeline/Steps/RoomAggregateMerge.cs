using StreamRec.Pipeline.Exchange;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Steps;

/// <summary>
/// At a tick's close, merges every partition's contributions (in partition order) into the global room
/// popularity, conversion counts, streamer audience profiles and co-engagement, moves the rooms that gained popularity in
/// the live-room index, and prepares the index's top lists for the tick's re-ranks. In each partition's place come first
/// the contributions other instances published for it that are due, then this instance's own, whose input the marks
/// then count (<see cref="AggregateExchange"/>); own ones are published when the exchange is on. Coordinating thread only.
/// </summary>
public sealed class RoomAggregateMerge(PipelineOptions options, PipelineState state)
{
    private readonly List<RoomState> _touched = [];
    private readonly List<RemoteContribution> _due = [];
    private readonly List<CoEngagementContributions> _pairs = [];
    private readonly bool[] _suspended = new bool[options.Partitions];
    private readonly CoEngagementMerge _coEngagement = new(options.CoEngagement.HalfLife);

    /// <param name="clockMs">The tick close's clock.</param>
    /// <param name="published">Where own contributions go when the exchange publishes them.</param>
    public void Apply(long clockMs, List<PublishedContribution>? published = null)
    {
        _touched.Clear();
        _pairs.Clear();
        var ownership = state.Ownership;
        if (ownership is not null && state.Exchange.Publishes && published is not null)
        {
            // A revocation reads how many records were decided: none of its partitions' comes after.
            ownership.Decide(published, () => ClosePartitions(clockMs, published, ownership));
        }
        else
        {
            ClosePartitions(clockMs, published, ownership);
        }

        _coEngagement.Apply(_pairs, state.CoEngagement, clockMs);
        foreach (var partition in state.Partitions)
        {
            if (!_suspended[partition.Index])
            {
                partition.ClearOpenTick();
            }
        }

        ReindexTouched();
        state.LiveIndex.PrepareTick(clockMs);
    }

    /// <summary>Each partition in order: its received contributions due, then its own (published when the exchange is on).</summary>
    private void ClosePartitions(long clockMs, List<PublishedContribution>? published, Durability.PartitionOwnership? ownership)
    {
        var exchange = state.Exchange;
        foreach (var partition in state.Partitions)
        {
            if (partition.PendingAdoption is { } resumeAt)
            {
                // The first close since the restore, after the exchange caught up: the dead or stopped owner's open tick.
                exchange.Adopt(partition.Index, resumeAt, exchange.Publishes ? published : null);
                partition.PendingAdoption = null;
            }

            MergeReceived(partition.Index, clockMs);

            // Read once per close: a revocation may come from the consumer's thread at any moment.
            // Without the exchange no one else counts them, so they merge here as before.
            _suspended[partition.Index] = exchange.Publishes && ownership?.IsSuspended(partition.Index) == true;
            if (_suspended[partition.Index])
            {
                // Revoked, not yet reassigned: kept for this instance if the partition stays, dropped if it moves.
                continue;
            }

            // Own contributions hold only events the marks did not count (the steps leave the others out).
            var own = partition.Contributions;
            if ((!own.IsEmpty || partition.CoEngagement.Pairs.Count > 0) && exchange.AdmitOwn(partition.Index, own.Covered))
            {
                if (exchange.Publishes && published is not null)
                {
                    foreach (var part in ContributionCodec.Encode(partition.Index, clockMs, own, partition.CoEngagement, state.Ids))
                    {
                        published.Add(new PublishedContribution(partition.Index, part));
                    }
                }

                Merge(own);
                _pairs.Add(partition.CoEngagement);
            }
        }
    }

    /// <summary>
    /// Between ticks, with no events of its own (a batch of other instances' contributions only): merges the received
    /// contributions beyond the bound of waiting ones (oldest first), so a start that reads hours of the topic merges as
    /// it reads instead of holding it all.
    /// </summary>
    public void ApplyReceived(long clockMs)
    {
        _touched.Clear();
        _pairs.Clear();
        // Only what exceeds the bound: the rest merges at tick closes, in partition order, so a restart's re-processing
        // merges its earlier run's records where that run merged its own.
        foreach (var partition in state.Partitions)
        {
            MergeReceived(partition.Index, long.MinValue);
        }

        _coEngagement.Apply(_pairs, state.CoEngagement, clockMs);
        ReindexTouched();
    }

    /// <summary>Merges the received contributions of <paramref name="partition"/> due at <paramref name="due"/>; their pairs wait in <see cref="_pairs"/>.</summary>
    private void MergeReceived(int partition, long due)
    {
        state.Exchange.TakeDue(partition, due, _due);
        foreach (var received in _due)
        {
            Merge(received.Rooms);
            _pairs.Add(received.Pairs);
        }
    }

    /// <summary>Live rooms that gained popularity move in the live-room index.</summary>
    private void ReindexTouched()
    {
        foreach (var room in _touched)
        {
            if (room.IsLive)
            {
                state.LiveIndex.Reindex(room);
            }
        }
    }

    private void Merge(RoomContributions contributions)
    {
        foreach (var (roomId, sums) in contributions.Rooms)
        {
            var room = state.Rooms.GetOrAddRoom(roomId);
            var h = options.PopularityHalfLife;
            room.Popularity = room.Popularity.Merge(sums.Popularity, h);
            room.Visits = room.Visits.Merge(sums.Visits, h);
            room.Purchases = room.Purchases.Merge(sums.Purchases, h);
            room.Intents = room.Intents.Merge(sums.Intents, h);
            _touched.Add(room);
        }

        foreach (var (streamerId, sum) in contributions.Audiences)
        {
            var streamer = state.Rooms.GetOrAddStreamer(streamerId);
            var ts = Math.Max(streamer.AudienceMass.Ts, sum.Mass.Ts);
            var own = (float)Decay.Factor(streamer.AudienceMass.Ts, ts, options.AudienceHalfLife);
            var added = (float)Decay.Factor(sum.Mass.Ts, ts, options.AudienceHalfLife);
            Vectors.ScaleAdd(streamer.Audience, own, sum.Vector, added);
            streamer.AudienceMass = streamer.AudienceMass.Merge(sum.Mass, options.AudienceHalfLife);
        }
    }
}
