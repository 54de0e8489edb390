using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Decoding;

namespace StreamRec.Pipeline.Batches;

/// <summary>
/// The element that flows between pipeline stages: a slice of decoded events, never spanning more than
/// one re-rank tick of event time, and what the stages derived from it.
/// </summary>
/// <remarks>
/// Ownership passes with the element: the stage that holds the batch is its only reader and writer, and
/// each stage fills in its own part (the registry its room changes, scoring its rankings, and so on).
/// </remarks>
public sealed class EventBatch
{
    public List<EventRecord> Events { get; } = [];

    /// <summary>Records rejected so far, with reasons.</summary>
    public List<DeadLetter> DeadLetters { get; } = [];

    /// <summary>The source's watermark (see <see cref="Input.RawRecordBatch.Watermark"/>).</summary>
    public long Watermark { get; set; } = long.MinValue;

    /// <summary>When the raw batch it came from entered the pipeline (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), or 0.</summary>
    public long ArrivedAt { get; set; }

    /// <summary>Raw records that this batch accounts for (valid plus dead-lettered).</summary>
    public int RecordsIn { get; set; }

    /// <summary>Newest event time applied once this batch has been processed.</summary>
    public long Clock { get; set; }

    /// <summary>True when the batch ends a tick: pending re-ranks due by <see cref="Clock"/> run after it.</summary>
    public bool ClosesTick { get; set; }

    /// <summary>True for the last batch of a finite input: every pending re-rank runs.</summary>
    public bool IsFinal { get; set; }

    /// <summary>The source's progress marker, set on the last batch cut from a raw batch.</summary>
    public SourceCheckpoint? Checkpoint { get; set; }

    /// <summary>A rebalance's changes to the state, applied by the core before the batch's events, or null.</summary>
    internal Durability.DecodedHandover? Handover { get; set; }

    /// <summary>Set on the batch after which a durable checkpoint is due (see <see cref="Durability.StateCheckpointer"/>).</summary>
    internal Durability.CheckpointRequest? CheckpointRequest { get; set; }

    /// <summary>Rooms that went live in this batch (the registry fills it).</summary>
    public List<int> StartedRooms { get; } = [];

    /// <summary>Rooms that went offline in this batch (the registry fills it).</summary>
    public List<int> StoppedRooms { get; } = [];

    /// <summary>Contributions other instances published, decoded, to merge when due (see <see cref="Exchange.AggregateExchange"/>), or null.</summary>
    public List<Exchange.RemoteContribution>? Received { get; set; }

    /// <summary>This instance's contributions to publish on the exchange topic (the core fills it when the exchange is on).</summary>
    public List<Exchange.PublishedContribution> Published { get; } = [];

    /// <summary>Deltas to publish, in partition order (the core fills it).</summary>
    public List<RecommendationDelta> Deltas { get; } = [];
}
