using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Durability;

/// <summary>
/// Makes an instance's state durable in its <see cref="IStateDirectory"/> and restores it on start. A
/// checkpoint is one atomic commit of: the users changed since the last one (their stores), the id tables'
/// new names, and one record holding the room table, the live-room index, the co-engagement table, each partition's pending work
/// (re-ranks, favourites, the open tick's contributions and working copies, exactly, not quantized), the
/// upstream stages' state, the input positions it all accounts for, and the outbox: every delta and dead
/// letter emitted but not yet acknowledged by the sink. A restart restores the state, re-emits the outbox
/// and resumes the input at the stored positions, so it produces what an uninterrupted run would have.
/// </summary>
/// <remarks>Checkpoints are written on the core's thread, between batches; acknowledgements come from the sink's.</remarks>
public sealed class StateCheckpointer
{
    /// <summary>
    /// 2 added the rooms' intent comments and users' short-term interest, 3 the co-engagement table and its open
    /// contributions, 4 the byte offsets of the outputs' cut and of each file position (so a resumed replay seeks
    /// instead of counting lines), 5 the exchange's marks and each tick's covered offsets, 6 the outbox's published
    /// contributions; versions 1 to 5 are still read (what they lack starts empty, or unknown).
    /// </summary>
    internal const byte Version = 6;
    /// <summary>2 added, per partition, whether the store is exactly the changelog's prefix (1 is read as: not known to be).</summary>
    private const byte ChangelogVersion = 2;
    private static readonly byte[] StateKey = "state"u8.ToArray();

    /// <summary>Beside the checkpoint, in the same batch: per partition, the changelog offset its store accounts for.</summary>
    private static readonly byte[] ChangelogKey = "changelog"u8.ToArray();

    /// <summary>The directory's identity (<see cref="PartitionOwnership.Writer"/>), committed when the directory is first opened.</summary>
    private static readonly byte[] WriterKey = "writer"u8.ToArray();

    private readonly PipelineOptions _options;
    private readonly PipelineState _state;
    private readonly IStateDirectory _directory;
    private readonly IKeyValueStore _checkpoint;
    private readonly IKeyValueStore _ids;
    private readonly TimeProvider _time;
    private readonly int[] _persistedIds = new int[4];
    private readonly SnapshotWriter _writer = new();
    /// <summary>Batches with outputs not yet acknowledged, oldest first, each with the output numbers it ends at.</summary>
    private readonly Queue<(EventBatch Batch, long DeltasEnd, long DeadLettersEnd, long PublishedEnd)> _unacknowledged = new();
    private long _deltas;
    private long _deadLetters;
    private long _published;
    /// <summary>The outputs acknowledged so far, replaced whole so a checkpoint sees counts and byte offsets that agree.</summary>
    private DurableOutputs _acked = new(0, 0, 0, -1, -1);

    /// <summary>The sink's file offsets as it last reported them (its thread only): they go with its next acknowledgement.</summary>
    private (long Deltas, long DeadLetters) _flushedBytes = (-1, -1);
    private DateTimeOffset _nextDue;
    private bool _compactPending;
    private readonly IStateChangelog? _changelog;
    private readonly long[] _changelogOffsets;

    /// <summary>
    /// Per partition: the store holds exactly what the changelog holds up to its offset, no change of its own beyond
    /// (false once a checkpoint commits changes of a suspended partition), so a restore may read on from that offset.
    /// </summary>
    private readonly bool[] _changelogPrefix;
    private readonly ChangelogRestorer _restorer;
    private readonly Lock _sourcesLock = new();

    /// <summary>With a changelog, source checkpoints acknowledged by the sink wait here until a checkpoint covers their batch.</summary>
    private readonly Queue<(long Batch, SourceCheckpoint Source)> _heldSources = new();
    private long _batches;
    private long _coveredBatches;
    private long _restoredUsers;
    private (byte[] Validator, byte[] Slicer, IReadOnlyList<RecordOrigin> Positions, int Outbox)? _lastStop;

    internal StateCheckpointer(PipelineOptions options, PipelineState state, IStateDirectory directory, TimeProvider time, bool resumesAfterStop, IStateChangelog? changelog = null)
    {
        _changelog = changelog;
        _changelogOffsets = new long[options.Partitions];
        Array.Fill(_changelogOffsets, -1);
        _changelogPrefix = new bool[options.Partitions];
        _restorer = new ChangelogRestorer(options, state);
        if (changelog is not null)
        {
            foreach (var partition in state.Partitions)
            {
                partition.Users.TrackChanges();
            }
        }

        ResumesAfterStop = resumesAfterStop;
        _options = options;
        _state = state;
        _directory = directory;
        _time = time;
        _checkpoint = directory.OpenKeyValueStore("checkpoint");
        _ids = directory.OpenKeyValueStore("ids");
        _nextDue = time.GetUtcNow() + options.CheckpointInterval;
        var started = time.GetTimestamp();
        Restore();
        RestoreTime = time.GetElapsedTime(started);
        if (changelog is not null)
        {
            changelog.Ownership.PublishWriter(Writer(), IsRestored);
            changelog.Ownership.PublishDurable(_changelogOffsets, _changelogPrefix);
        }
    }

    /// <summary>Users restored from the changelog since the start (partitions that moved here).</summary>
    public long ChangelogRestoredUsers => Interlocked.Read(ref _restoredUsers);

    /// <summary>True when the directory held a checkpoint and the state was restored from it.</summary>
    public bool IsRestored { get; private set; }

    /// <summary>True when the restored checkpoint was written at the end of a finite input: nothing is left to read.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Where each source partition resumes (empty: from the beginning).</summary>
    public IReadOnlyList<RecordOrigin> Positions { get; private set; } = [];

    /// <summary>Deltas durably written before the outbox (a resumed file keeps exactly this many lines).</summary>
    public long DurableDeltas { get; private set; }

    /// <summary>Dead letters durably written before the outbox.</summary>
    public long DurableDeadLetters { get; private set; }

    /// <summary>Where the deltas file ends after <see cref="DurableDeltas"/> lines (-1: not known, count the lines).</summary>
    public long DurableDeltaBytes { get; private set; } = -1;

    /// <summary>Where the dead-letter file ends after <see cref="DurableDeadLetters"/> lines (-1: not known).</summary>
    public long DurableDeadLetterBytes { get; private set; } = -1;

    /// <summary>The version a checkpoint is written in (tests write an older one to check it is still read).</summary>
    internal byte WritesVersion { get; set; } = Version;

    /// <summary>
    /// Deltas emitted before the last checkpoint whose writing was not acknowledged: the caller must write them
    /// again, durably, before it processes anything.
    /// </summary>
    public IReadOnlyList<RecommendationDelta> OutboxDeltas => Outbox?.Deltas ?? [];

    /// <summary>Dead letters likewise.</summary>
    public IReadOnlyList<DeadLetter> OutboxDeadLetters => Outbox?.DeadLetters ?? [];

    /// <summary>
    /// True when the input does not end where the stream stops (a Kafka run): a stop then neither flushes the
    /// pending re-ranks nor dead-letters held records, as the end of a file would; it checkpoints instead,
    /// and the next start carries on from there.
    /// </summary>
    public bool ResumesAfterStop { get; }

    /// <summary>
    /// The outbox of the restored checkpoint as one batch, or null when it is empty: write it before anything
    /// else, and acknowledge its <see cref="EventBatch.Checkpoint"/> once it is durably written.
    /// </summary>
    public EventBatch? Outbox { get; private set; }

    /// <summary>How long opening the directory's stores and restoring from them took (wall clock).</summary>
    public TimeSpan RestoreTime { get; }

    internal byte[]? RestoredValidator { get; private set; }

    internal byte[]? RestoredSlicer { get; private set; }

    /// <summary>Asks for a checkpoint when one is due (the decoding stage's thread calls it once per batch).</summary>
    internal bool TryRequest()
    {
        var now = _time.GetUtcNow();
        if (now < _nextDue)
        {
            return false;
        }

        _nextDue = now + _options.CheckpointInterval;
        return true;
    }

    /// <summary>
    /// Called by the core after each batch: remembers its outputs until acknowledged, and writes the checkpoint
    /// the batch asked for.
    /// </summary>
    internal void AfterBatch(EventBatch batch)
    {
        // Only the state right after a checkpoint can be written again with its positions.
        _lastStop = null;
        var positions = batch.Checkpoint?.Positions ?? [];
        if (batch.CheckpointRequest is not null)
        {
            PublishOpenTicks(batch);
        }

        _deltas += batch.Deltas.Count;
        _deadLetters += batch.DeadLetters.Count;
        _published += batch.Published.Count;
        DropAcknowledged();
        var outputs = batch.Deltas.Count > 0 || batch.DeadLetters.Count > 0 || batch.Published.Count > 0;
        if (outputs)
        {
            _unacknowledged.Enqueue((batch, _deltas, _deadLetters, _published));
        }

        if (batch.Checkpoint is not null || outputs)
        {
            batch.Checkpoint = new AcknowledgedOutputs(batch.Checkpoint, this, new OutputCounts(_deltas, _deadLetters, _published), ++_batches);
        }

        if (batch.CheckpointRequest is { } request)
        {
            Write(request.Validator, request.Slicer, positions, complete: false);
            _lastStop = ResumesAfterStop ? (request.Validator, request.Slicer, positions, _unacknowledged.Count) : null;
        }
    }

    /// <summary>
    /// With the changelog and the exchange: each writable partition's open tick goes out as a provisional record with the
    /// checkpoint, since the changelog holds its users but not its contributions. A next owner that restores this
    /// checkpoint adopts it (<see cref="Exchange.AggregateExchange.Adopt"/>); everyone else keeps it aside until the tick
    /// closes. A partition suspended after this is not written to the changelog, and the adoption then refuses it.
    /// </summary>
    private void PublishOpenTicks(EventBatch batch)
    {
        if (_changelog is not { } changelog || !_state.Exchange.Publishes)
        {
            return;
        }

        var ownership = changelog.Ownership;
        ownership.Decide(batch.Published, () =>
        {
            foreach (var partition in _state.Partitions)
            {
                var open = partition.Contributions;
                if (!ownership.IsOwned(partition.Index) || ownership.IsSuspended(partition.Index) || open.Covered.Count == 0
                    || (open.IsEmpty && partition.CoEngagement.Pairs.Count == 0))
                {
                    continue;
                }

                foreach (var part in Exchange.ContributionCodec.Encode(partition.Index, batch.Clock, open, partition.CoEngagement, _state.Ids, provisional: true))
                {
                    batch.Published.Add(new Exchange.PublishedContribution(partition.Index, part));
                }
            }
        });
    }

    /// <summary>
    /// After a stop (the stream has ended, every output acknowledged): when the last batch carried a checkpoint (a
    /// stop's does), it is written again without the outputs acknowledged after it was taken, so the next start does
    /// not send them again.
    /// </summary>
    public void Settle()
    {
        DropAcknowledged();
        if (_lastStop is { } stop && _unacknowledged.Count < stop.Outbox)
        {
            Write(stop.Validator, stop.Slicer, stop.Positions, complete: false);
        }
    }

    /// <summary>The final checkpoint of a finite input that was read to its end and fully written.</summary>
    public void Complete(IReadOnlyList<RecordOrigin> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        Write([], [], positions, complete: true);
    }

    /// <summary>Acknowledgements come in output order, so the acknowledged batches are a prefix of the queue.</summary>
    private DurableOutputs DropAcknowledged()
    {
        var acked = Volatile.Read(ref _acked);
        while (_unacknowledged.TryPeek(out var oldest) && oldest.DeltasEnd <= acked.Deltas && oldest.DeadLettersEnd <= acked.DeadLetters
            && oldest.PublishedEnd <= acked.Published)
        {
            _unacknowledged.Dequeue();
        }

        return acked;
    }

    /// <summary>
    /// A file sink tells, just before it acknowledges, where its files end now that they are flushed: the next
    /// acknowledgement's outputs end there, so a resume can cut the files at these offsets.
    /// </summary>
    internal void OutputsFlushedTo(long deltaBytes, long deadLetterBytes) => _flushedBytes = (deltaBytes, deadLetterBytes);

    internal void Acknowledged(OutputCounts outputs)
    {
        var next = new DurableOutputs(outputs.Deltas, outputs.DeadLetters, outputs.Published, _flushedBytes.Deltas, _flushedBytes.DeadLetters);
        var current = Volatile.Read(ref _acked);
        while (next.Deltas >= current.Deltas && next.DeadLetters >= current.DeadLetters && next.Published >= current.Published)
        {
            var seen = Interlocked.CompareExchange(ref _acked, next, current);
            if (ReferenceEquals(seen, current))
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>
    /// The sink wrote everything batch <paramref name="batch"/> caused: its source may commit. With a changelog, only
    /// once a checkpoint covers the batch, so the group's committed offsets never pass the changelog: an instance
    /// that takes the partition over restores the changelog and reads on from them (as Kafka Streams commits only
    /// after flushing its changelogs).
    /// </summary>
    internal void SourceDone(SourceCheckpoint? source, long batch)
    {
        if (source is null)
        {
            return;
        }

        if (_changelog is null)
        {
            source.Acknowledge();
            return;
        }

        lock (_sourcesLock)
        {
            if (batch > _coveredBatches)
            {
                _heldSources.Enqueue((batch, source));
                return;
            }
        }

        source.Acknowledge();
    }

    /// <summary>Applies a rebalance (the core's thread, between batches): dropped partitions leave, moved ones are restored.</summary>
    internal void ApplyHandover(DecodedHandover handover)
    {
        _restorer.Apply(handover, this);
        Interlocked.Add(ref _restoredUsers, handover.Restores.Sum(static r => (long)r.Users.Count(static u => u.State is not null)));
    }

    /// <summary>The partition's store now holds exactly the changelog up to <paramref name="offset"/> (-1: it holds none of it).</summary>
    internal void ChangelogAt(int partition, long offset)
    {
        _changelogOffsets[partition] = offset;
        _changelogPrefix[partition] = offset >= 0;
    }

    private void Write(byte[] validator, byte[] slicer, IReadOnlyList<RecordOrigin> positions, bool complete)
    {
        // What is left after dropping the acknowledged batches is the outbox; it starts at the oldest one's first output.
        var acked = DropAcknowledged();
        var outboxDeltas = new List<RecommendationDelta>();
        var outboxDeadLetters = new List<DeadLetter>();
        var outboxPublished = new List<Exchange.PublishedContribution>();
        long firstDelta = _deltas, firstDeadLetter = _deadLetters;
        if (_unacknowledged.TryPeek(out var oldest))
        {
            firstDelta = oldest.DeltasEnd - oldest.Batch.Deltas.Count;
            firstDeadLetter = oldest.DeadLettersEnd - oldest.Batch.DeadLetters.Count;
        }

        foreach (var (batch, _, _, _) in _unacknowledged)
        {
            outboxDeltas.AddRange(batch.Deltas);
            outboxDeadLetters.AddRange(batch.DeadLetters);
            outboxPublished.AddRange(batch.Published);
        }

        // The acknowledged offsets belong to the cut only when they were reported with exactly these counts.
        var cutKnown = acked.Deltas == firstDelta && acked.DeadLetters == firstDeadLetter;
        var version = WritesVersion;
        var w = _writer;
        w.Reset();
        w.VarUInt(version);
        WriteShape(w);
        w.Bool(complete);
        w.VarUInt((ulong)positions.Count);
        foreach (var position in positions)
        {
            w.String(position.Source);
            w.Int(position.Partition);
            w.Long(position.Position);
            if (version >= 4)
            {
                w.VarInt(position.ByteOffset);
            }
        }

        w.Long(firstDelta);
        w.Long(firstDeadLetter);
        if (version >= 4)
        {
            w.VarInt(cutKnown ? acked.DeltaBytes : -1);
            w.VarInt(cutKnown ? acked.DeadLetterBytes : -1);
        }

        w.Bytes(validator);
        w.Bytes(slicer);
        w.Long(_state.ExpiryScanHour);
        w.Long(_state.ExpiryScanFrom);
        _state.RoomStore.Save(w);
        _state.LiveIndex.Save(w);
        _state.CoEngagement.Save(w);
        if (version >= 5)
        {
            _state.Exchange.Save(w, version);
        }

        foreach (var partition in _state.Partitions)
        {
            partition.Reranks.Save(w);
            partition.Favourites.Save(w);
            partition.Contributions.Save(w);
            if (version >= 5)
            {
                partition.Contributions.SaveCovered(w, _state.Ids.Sources);
            }

            partition.CoEngagement.Save(w);
            w.VarUInt((ulong)partition.Promotions.Count);
            foreach (var user in partition.Promotions)
            {
                w.Int(user);
            }

            partition.Users.SaveOpen(w);
            w.VarUInt((ulong)partition.Forgotten.Count);
            foreach (var delta in partition.Forgotten)
            {
                w.Bytes(JsonSerializer.SerializeToUtf8Bytes(delta, ContractJson.Default.RecommendationDelta));
            }
        }

        w.VarUInt((ulong)outboxDeltas.Count);
        foreach (var delta in outboxDeltas)
        {
            w.Bytes(JsonSerializer.SerializeToUtf8Bytes(delta, ContractJson.Default.RecommendationDelta));
        }

        w.VarUInt((ulong)outboxDeadLetters.Count);
        foreach (var letter in outboxDeadLetters)
        {
            w.Bytes(JsonSerializer.SerializeToUtf8Bytes(letter, ContractJson.Default.DeadLetter));
        }

        if (version >= 6)
        {
            // Contributions other instances may not have read yet: a restart publishes them again, and the receivers'
            // marks pass over a copy they already counted.
            w.VarUInt((ulong)outboxPublished.Count);
            foreach (var contribution in outboxPublished)
            {
                w.Int(contribution.Partition);
                w.Bytes(contribution.Value);
            }
        }

        // The changelog first: once the local checkpoint commits, the changelog already holds everything it does.
        var covers = _changelog is null || WriteChangelog(positions);
        _checkpoint.Put(StateKey, w.Written);
        if (_changelog is not null)
        {
            _checkpoint.Put(ChangelogKey, ChangelogOffsetsRecord());
        }

        PersistNewIds();
        var erased = EraseForgottenNames();
        _directory.Commit();
        if (_changelog is not null)
        {
            _changelog.Ownership.PublishDurable(_changelogOffsets, _changelogPrefix);
            if (covers)
            {
                ReleaseCovered(_batches);
            }
        }

        if (erased && outboxDeltas.Count == 0)
        {
            // The forgotten users' withdrawals have been written, so nothing in the state names them any more.
            _directory.Compact();
            _compactPending = false;
        }

    }

    /// <summary>
    /// Sends every changed user of each writable partition to the changelog and waits for the acknowledgements.
    /// False when a partition this instance still owns was suspended (between a revocation and the next assignment):
    /// its changes wait for the next checkpoint, and so do the offsets this one would let the consumer commit.
    /// </summary>
    private bool WriteChangelog(IReadOnlyList<RecordOrigin> positions)
    {
        var changelog = _changelog!;
        var ownership = changelog.Ownership;
        var records = new List<ChangelogRecord>();
        var value = new ArrayBufferWriter<byte>(256);
        var covers = true;
        lock (ownership.Gate)
        {
            foreach (var partition in _state.Partitions)
            {
                if (!ownership.IsWritable(partition.Index))
                {
                    covers &= !ownership.IsOwned(partition.Index);

                    // This commit stores changes the changelog does not have: the store is ahead of its offset.
                    _changelogPrefix[partition.Index] &= !partition.Users.HasChanges;
                    continue;
                }

                _changelogPrefix[partition.Index] = _changelogOffsets[partition.Index] >= 0;

                var changed = partition.Users.TakeChanged();
                foreach (var user in changed)
                {
                    var key = Encoding.UTF8.GetBytes(_state.Ids.Users.NameOf(user));
                    if (partition.Users.Peek(user) is not { } current)
                    {
                        records.Add(new ChangelogRecord(partition.Index, key, null));
                        continue;
                    }

                    value.ResetWrittenCount();
                    var pending = new PendingWork(partition.Reranks.TryGetDue(user, out var due) ? due : null, partition.Promotions.Contains(user));
                    PortableUserStateCodec.Encode(current, _state.Ids, pending, value);
                    records.Add(new ChangelogRecord(partition.Index, key, value.WrittenSpan.ToArray()));
                }

                if (changed.Length > 0 && changelog.DeltasFloor(partition.Index) is { } floor)
                {
                    records.Add(FenceMarker(partition, floor, positions));
                }
            }

            if (records.Count > 0)
            {
                foreach (var (partition, end) in changelog.Append(records))
                {
                    _changelogOffsets[partition] = end;
                    _changelogPrefix[partition] = true;
                }
            }
        }

        return covers;
    }

    /// <summary>
    /// After the partition's users, so a restore that finds the marker also has every user written before it (one
    /// producer, one partition: order is kept). The floor is read here, on the core's thread between batches, before
    /// any delta of a later batch exists, and the sink hands deltas over in batch order: every delta caused after
    /// this checkpoint is appended after this moment, at an offset at or above the floor. Deltas of this checkpoint's
    /// batches may land above it too; their seqs are at most the users' written ones, so reading them only costs time.
    /// </summary>
    private static ChangelogRecord FenceMarker(PartitionState partition, long floor, IReadOnlyList<RecordOrigin> positions)
    {
        var floors = partition.Users.Floors;
        var offset = floors.HoldsBack ? Math.Min(floors.Origin, floor) : floor;

        // The input positions of this partition that the users written before the marker account for (the rooms
        // topic's partition of the same number comes along; a restore applies only its user topics).
        var resumeAt = positions.Where(p => !p.IsFile && p.Partition == partition.Index).Select(static p => KeyValuePair.Create(p.Source, p.Position)).ToList();
        return new ChangelogRecord(partition.Index, SeqFenceMarker.Key.ToArray(), SeqFenceMarker.Encode(offset, resumeAt));
    }

    /// <summary>
    /// Layout: u8 version = 2, varint partitions, then per partition zigzag offset (-1: none) and u8 1 when the store
    /// is exactly the changelog up to it, else 0 (version 1 has no such byte).
    /// </summary>
    private byte[] ChangelogOffsetsRecord()
    {
        var w = new SnapshotWriter();
        w.VarUInt(ChangelogVersion);
        w.VarUInt((ulong)_changelogOffsets.Length);
        for (var p = 0; p < _changelogOffsets.Length; p++)
        {
            // A seq fence that still names users the state does not hold lives in memory only: the next start must
            // restore the partition in full, which reads the fence again, not keep the store without it.
            var fenced = _state.Partitions[p].Users.Floors.HoldsBack;
            w.VarInt(fenced ? -1 : _changelogOffsets[p]);
            w.Bool(!fenced && _changelogPrefix[p]);
        }

        return w.Written.ToArray();
    }

    /// <summary>
    /// Committed at once when new, before anything is appended under it: a kill before the first checkpoint's commit
    /// must still find, at the next start, the identity that checkpoint's changelog records carry.
    /// </summary>
    private byte[] Writer()
    {
        var value = new ArrayBufferWriter<byte>(16);
        if (_checkpoint.TryGet(WriterKey, value))
        {
            return value.WrittenSpan.ToArray();
        }

        var writer = Guid.NewGuid().ToByteArray();
        _checkpoint.Put(WriterKey, writer);
        _directory.Commit();
        return writer;
    }

    private void RestoreChangelogOffsets()
    {
        var value = new ArrayBufferWriter<byte>();
        if (!_checkpoint.TryGet(ChangelogKey, value))
        {
            return;
        }

        var r = new SnapshotReader(value.WrittenSpan.ToArray());
        var version = r.VarUInt();
        if (version is < 1 or > ChangelogVersion || r.Count() != _changelogOffsets.Length)
        {
            throw new InvalidDataException($"The state directory's changelog offsets have version {version} or another partition count; this version reads 1 to {ChangelogVersion}.");
        }

        for (var p = 0; p < _changelogOffsets.Length; p++)
        {
            _changelogOffsets[p] = r.VarInt();

            // Version 1 did not say whether the store had changes of its own beyond the offset: restore such a one in full.
            _changelogPrefix[p] = version >= 2 && r.Bool();
        }
    }

    private void ReleaseCovered(long batches)
    {
        var released = new List<SourceCheckpoint>();
        lock (_sourcesLock)
        {
            _coveredBatches = batches;
            while (_heldSources.TryPeek(out var held) && held.Batch <= batches)
            {
                released.Add(_heldSources.Dequeue().Source);
            }
        }

        foreach (var source in released)
        {
            source.Acknowledge();
        }
    }

    private void WriteShape(SnapshotWriter w)
    {
        w.Int(_options.Partitions);
        w.Int(_options.VectorDimensions);
        w.Int(_options.TopK);
        w.Int(_options.RankedRunnersUp);
        w.Int(_options.MaxAffinities);
    }

    private void CheckShape(SnapshotReader r)
    {
        int[] stored = [r.Int(), r.Int(), r.Int(), r.Int(), r.Int()];
        int[] configured = [_options.Partitions, _options.VectorDimensions, _options.TopK, _options.RankedRunnersUp, _options.MaxAffinities];
        string[] names = ["Partitions", "VectorDimensions", "TopK", "RankedRunnersUp", "MaxAffinities"];
        var differences = names.Select((name, i) => (name, i)).Where(n => stored[n.i] != configured[n.i])
            .Select(n => $"{n.name} {stored[n.i]} (configured: {configured[n.i]})").ToArray();
        if (differences.Length > 0)
        {
            throw new InvalidDataException(
                $"The state directory was written with other settings: {string.Join(", ", differences)}. Use the same settings, or a new state directory.");
        }
    }

    private IdTable[] Tables => [_state.Ids.Users, _state.Ids.Rooms, _state.Ids.Streamers, _state.Ids.Categories];

    /// <summary>Ids are numbered in first-seen order; storing each new name under (kind, id) restores the same numbers.</summary>
    private void PersistNewIds()
    {
        var tables = Tables;
        Span<byte> key = stackalloc byte[5];
        for (var kind = 0; kind < tables.Length; kind++)
        {
            var count = tables[kind].Count;
            for (var id = _persistedIds[kind]; id < count; id++)
            {
                key[0] = (byte)kind;
                BinaryPrimitives.WriteInt32BigEndian(key[1..], id);
                _ids.Put(key, Encoding.UTF8.GetBytes(tables[kind].NameOf(id)));
            }

            _persistedIds[kind] = count;
        }
    }

    private void Restore()
    {
        var value = new ArrayBufferWriter<byte>();
        if (!_checkpoint.TryGet(StateKey, value))
        {
            return;
        }

        RestoreIds();
        RestoreChangelogOffsets();
        var r = new SnapshotReader(value.WrittenSpan.ToArray());
        var version = r.VarUInt();
        if (version is < 1 or > Version)
        {
            throw new InvalidDataException($"The state directory holds checkpoint version {version}; this version reads 1 to {Version}.");
        }

        r.Version = (int)version;

        CheckShape(r);
        IsComplete = r.Bool();
        var positions = new RecordOrigin[r.Count()];
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] = new RecordOrigin(r.String(), r.Int(), r.Long()) { ByteOffset = r.Version >= 4 ? r.VarInt() : -1 };
        }

        Positions = positions;
        DurableDeltas = r.Long();
        DurableDeadLetters = r.Long();
        if (r.Version >= 4)
        {
            DurableDeltaBytes = r.VarInt();
            DurableDeadLetterBytes = r.VarInt();
        }

        RestoredValidator = r.Bytes();
        RestoredSlicer = r.Bytes();
        _state.ExpiryScanHour = r.Long();
        _state.ExpiryScanFrom = r.Long();
        _state.RoomStore.Load(r);
        _state.LiveIndex.Load(r, _state.Rooms);
        if (r.Version >= 3)
        {
            _state.CoEngagement.Load(r);
        }

        if (r.Version >= 5)
        {
            _state.Exchange.Load(r, bytes => Exchange.ContributionCodec.Decode(
                bytes, _options.Partitions, _options.VectorDimensions, _options.CoEngagement.HalfLife, _state.Ids));
        }

        foreach (var partition in _state.Partitions)
        {
            partition.Reranks.Load(r);
            partition.Favourites.Load(r);
            partition.Contributions.Load(r);
            if (r.Version >= 5)
            {
                partition.Contributions.LoadCovered(r, _state.Ids.Sources);
            }

            if (r.Version >= 3)
            {
                partition.CoEngagement.Load(r);
            }
            var promotions = r.Count();
            for (var i = 0; i < promotions; i++)
            {
                partition.Promotions.Add(r.Int());
            }

            partition.Users.LoadOpen(r);
            var forgotten = r.Count();
            for (var i = 0; i < forgotten; i++)
            {
                partition.Forgotten.Add(ReadDelta(r));
            }

            RebuildHolders(partition);
        }

        var deltas = new RecommendationDelta[r.Count()];
        for (var i = 0; i < deltas.Length; i++)
        {
            deltas[i] = ReadDelta(r);
        }

        var deadLetters = new DeadLetter[r.Count()];
        for (var i = 0; i < deadLetters.Length; i++)
        {
            deadLetters[i] = JsonSerializer.Deserialize(r.Bytes(), ContractJson.Default.DeadLetter)
                ?? throw new InvalidDataException("A checkpointed dead letter is null.");
        }

        var published = new Exchange.PublishedContribution[r.Version >= 6 ? r.Count() : 0];
        for (var i = 0; i < published.Length; i++)
        {
            published[i] = new Exchange.PublishedContribution(r.Int(), r.Bytes());
        }

        if (!r.AtEnd)
        {
            throw new InvalidDataException("The checkpoint has trailing bytes: it was written by another version.");
        }

        // The outbox goes out again first, and stays in the outbox until that is acknowledged.
        _acked = new DurableOutputs(DurableDeltas, DurableDeadLetters, 0, DurableDeltaBytes, DurableDeadLetterBytes);
        _deltas = DurableDeltas + deltas.Length;
        _deadLetters = DurableDeadLetters + deadLetters.Length;
        _published = published.Length;

        // Published again first, and waited for like any: a revocation before they are delivered waits for them too.
        _changelog?.Ownership.Decided(published.Length);
        if (deltas.Length + deadLetters.Length + published.Length > 0)
        {
            var outbox = new EventBatch();
            outbox.Deltas.AddRange(deltas);
            outbox.DeadLetters.AddRange(deadLetters);
            outbox.Published.AddRange(published);
            outbox.Checkpoint = new AcknowledgedOutputs(null, this, new OutputCounts(_deltas, _deadLetters, _published), 0);
            _unacknowledged.Enqueue((outbox, _deltas, _deadLetters, _published));
            Outbox = outbox;
        }
        IsRestored = true;
    }

    /// <summary>
    /// A forgotten user's name leaves the id store: its number keeps a placeholder, so the numbers stay dense.
    /// True when a compaction is owed, which waits until no unacknowledged output names a forgotten user.
    /// </summary>
    private bool EraseForgottenNames()
    {
        Span<byte> key = stackalloc byte[5];
        key[0] = 0;
        foreach (var partition in _state.Partitions)
        {
            foreach (var id in partition.ErasedIds)
            {
                // A user who acted again since being forgotten is stored again, under the same number.
                var returned = partition.Users.Peek(id) is not null;
                BinaryPrimitives.WriteInt32BigEndian(key[1..], id);
                _ids.Put(key, Encoding.UTF8.GetBytes(returned ? _state.Ids.Users.NameOf(id) : ErasedName(id)));
                _compactPending = true;
            }

            partition.ErasedIds.Clear();
        }

        return _compactPending;
    }

    /// <summary>The placeholder a forgotten user's number is restored under: unique, and no user id.</summary>
    private static string ErasedName(int id) => $"\u0000erased:{id}";

    private static RecommendationDelta ReadDelta(SnapshotReader r) =>
        JsonSerializer.Deserialize(r.Bytes(), ContractJson.Default.RecommendationDelta) ?? throw new InvalidDataException("A checkpointed delta is null.");

    private void RestoreIds()
    {
        var tables = Tables;
        foreach (var (key, name) in _ids.All().OrderBy(static e => e.Key, ByteKeyOrder.Instance))
        {
            if (key.Length != 5 || key[0] >= tables.Length)
            {
                throw new InvalidDataException("The id store holds a key of another layout.");
            }

            var table = tables[key[0]];
            var id = BinaryPrimitives.ReadInt32BigEndian(key.AsSpan(1));
            if (table.Intern(Encoding.UTF8.GetString(name)) != id)
            {
                throw new InvalidDataException($"The id store is not dense: id {id} of kind {key[0]} does not follow the ones before it.");
            }
        }

        for (var kind = 0; kind < tables.Length; kind++)
        {
            _persistedIds[kind] = tables[kind].Count;
        }
    }

    /// <summary>The holder index is derived from the users' sent lists, so it is rebuilt rather than stored.</summary>
    private void RebuildHolders(PartitionState partition)
    {
        var user = new UserState(_options.VectorDimensions, _options.MaxAffinities, _options.TopK + _options.RankedRunnersUp);
        foreach (var (key, value) in partition.Users.Store.All())
        {
            var id = _state.Ids.Users.Find(Encoding.UTF8.GetString(key));
            if (id < 0)
            {
                throw new InvalidDataException("A stored user has no id: the id store is behind the users' store.");
            }

            user.Clear();
            UserStateCodec.Decode(value, user);
            foreach (var room in user.Ranked[..Math.Min(_options.TopK, user.RankedCount)])
            {
                partition.Holders.Add(room.Room, id);
            }
        }
    }

    /// <summary>Outputs durably written: how many, and where their files end (-1: not reported).</summary>
    private sealed record DurableOutputs(long Deltas, long DeadLetters, long Published, long DeltaBytes, long DeadLetterBytes);

    private sealed class ByteKeyOrder : IComparer<byte[]>
    {
        public static readonly ByteKeyOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
