namespace StreamRec.Pipeline.Metrics;

/// <summary>
/// Names of the StreamRec meter and its instruments, in the style of Npgsql's <c>MetricsReporter</c>
/// (dotted lower-case names, UCUM units, what varies in tags). Dashboards and the JSON snapshot use them too.
/// </summary>
public static class InstrumentNames
{
    public const string Meter = "StreamRec";

    public const string EventsReceived = "streamrec.events.received";
    public const string RecordsReceived = "streamrec.records.received";
    public const string DeadLetters = "streamrec.dead_letters";
    public const string DeltasProduced = "streamrec.deltas.produced";
    public const string Reranks = "streamrec.reranks";
    public const string RowsScored = "streamrec.rows.scored";
    public const string UsersActive = "streamrec.users.active";
    public const string RoomsLive = "streamrec.rooms.live";
    public const string ConsumerLag = "streamrec.consumer.lag";
    public const string InputSkipped = "streamrec.input.skipped";
    public const string ModelInfo = "streamrec.model.info";
    public const string ModelSwaps = "streamrec.model.swaps";
    public const string ExchangeContributions = "streamrec.exchange.contributions";
    public const string ExchangeHeld = "streamrec.exchange.held";
    public const string DeltaFreshness = "streamrec.delta.freshness";
    public const string RoomStopLatency = "streamrec.room_stop.latency";
    public const string ScoringDuration = "streamrec.scoring.duration";
    public const string StepDuration = "streamrec.step.duration";
    public const string OnlineCases = "streamrec.online.cases";
    public const string OnlineHitRatio = "streamrec.online.hit_ratio";
    public const string OnlineNdcg = "streamrec.online.ndcg";

    /// <summary>The histograms, each read as p50/p95/p99/max.</summary>
    public static IReadOnlyList<string> Histograms { get; } = [DeltaFreshness, RoomStopLatency, ScoringDuration, StepDuration];
}
