namespace StreamRec.Pipeline.Options;

/// <summary>
/// Every tunable of the recommendation pipeline. Immutable; <see cref="Validate"/> runs at start-up so a
/// bad setting fails fast with all problems listed, instead of misbehaving hours later.
/// </summary>
public sealed record PipelineOptions
{
    /// <summary>How many rooms each user's list holds.</summary>
    public int TopK { get; init; } = 10;

    /// <summary>Size of interest, category and audience vectors.</summary>
    public int VectorDimensions { get; init; } = 32;

    public EventWeights Weights { get; init; } = new();

    /// <summary>Half-life of a user's interest vector.</summary>
    public TimeSpan InterestHalfLife { get; init; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Half-life of a user's short-term (session) interest vector, kept beside the long-term one: minutes, so a user
    /// whose taste changes is followed at once. At most <see cref="InterestHalfLife"/>.
    /// </summary>
    public TimeSpan ShortInterestHalfLife { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Half-life of a user's affinity to a streamer (repeat consumption is long-lived).</summary>
    public TimeSpan AffinityHalfLife { get; init; } = TimeSpan.FromDays(2);

    /// <summary>Half-life of a room's popularity: what is hot right now.</summary>
    public TimeSpan PopularityHalfLife { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Half-life of a streamer's audience profile (the cold-start vector of their rooms).</summary>
    public TimeSpan AudienceHalfLife { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Audience mass at which a room's vector is half category prior, half audience.</summary>
    public double ColdStartPriorMass { get; init; } = 5.0;

    /// <summary>Event-time granularity at which pending re-ranks are flushed.</summary>
    public TimeSpan RerankTick { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A burst of one user's events within this event-time window causes one re-rank.</summary>
    public TimeSpan CoalesceWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A user's own events re-rank the user at most this often (in event time).</summary>
    public TimeSpan MinRerankInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Most users re-ranked when a streamer they return to goes live (highest affinity first).</summary>
    public int FavouriteFanoutLimit { get; init; } = 1000;

    /// <summary>Least decayed affinity for a user to count as a returning viewer of a streamer.</summary>
    public double FavouriteMinAffinity { get; init; } = 1.0;

    /// <summary>
    /// User state partitions (P). Users are split by murmur2 of their key, as Kafka's default partitioner does, and
    /// each partition's steps run on their own thread; the output is byte-identical for a given log, configuration
    /// and P. Over Kafka, P is the user topics' partition count.
    /// </summary>
    public int Partitions { get; init; } = 4;

    /// <summary>Where each re-rank's candidates come from, and how many.</summary>
    public Retrieval.RetrievalLimits Retrieval { get; init; } = new();

    /// <summary>The streamer-to-streamer co-engagement table behind the collaborative retrieval source and features.</summary>
    public CoEngagementOptions CoEngagement { get; init; } = new();

    /// <summary>Most streamers kept per user (the strongest affinities).</summary>
    public int MaxAffinities { get; init; } = 8;

    /// <summary>Ranked rooms kept beyond the top K, promoted without re-scoring when a listed room stops.</summary>
    public int RankedRunnersUp { get; init; } = 4;

    /// <summary>A list changed by promotion only is re-scored within this much event time.</summary>
    public TimeSpan PromotionStaleness { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Candidates per user that the baseline shortlists for a ranking model (see <see cref="Scoring.ShortlistScorer"/>),
    /// besides the repeat candidates, which always reach it; 0 lets the model score every candidate. Not used when the baseline itself is the scorer.
    /// </summary>
    public int ModelShortlist { get; init; } = 30;

    /// <summary>Diversity and exposure controls on each top K; off by default.</summary>
    public DiversityOptions Diversity { get; init; } = new();

    /// <summary>
    /// Adds to each ranked entry of a delta its top contributing features (<c>why</c>). Costs, for a linear scorer, a
    /// pass over the rows; for a model, one extra scoring call per round over K x features occluded rows per user.
    /// </summary>
    public bool Explain { get; init; }

    /// <summary>
    /// How often (wall-clock) durable state is checkpointed: the users changed since the last checkpoint, the
    /// room table and indexes, pending work, unacknowledged outputs and the input positions, in one atomic
    /// write. A crash loses at most this much work, which the restart does again. Kafka Streams' default
    /// commit interval is 30 s; ours is shorter because the work is re-done from the log.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Users idle for longer than this much event time are expired: their state leaves the store and their list
    /// is withdrawn (as after a <c>user_forget</c>), which bounds the state's growth. Checked once per hour of
    /// event time. <see cref="TimeSpan.Zero"/> keeps users for ever.
    /// </summary>
    public TimeSpan UserTtl { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Records per stream element; larger batches amortise per-element costs.</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>Largest accepted record; larger ones are dead-lettered.</summary>
    public int MaxEventBytes { get; init; } = 64 * 1024;

    /// <summary>Longest accepted id, in UTF-8 bytes.</summary>
    public int MaxIdBytes { get; init; } = 256;

    /// <summary>Earliest plausible event time.</summary>
    public DateTimeOffset MinEventTime { get; init; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far ahead of the wall clock an event time may be before it is called absurd.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How far behind the newest event time an event may arrive and still be applied.</summary>
    public TimeSpan MaxLateness { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How far ahead of its partition's event time (and the source's watermark) a record may be and still be
    /// applied at once. A record further ahead is held: it must not move event time, or one bad clock would make
    /// every later event late.
    /// </summary>
    public TimeSpan MaxEventTimeLead { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How many consecutive held records of one partition show that its event time really moved on (a gap in
    /// the log), so they are applied; a record within <see cref="MaxEventTimeLead"/> before that many dead-letters
    /// the held ones as <c>timestamp_too_early</c>.
    /// </summary>
    public int EventTimeJumpRecords { get; init; } = 32;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public PipelineOptions Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(UserTtl == TimeSpan.Zero || UserTtl >= TimeSpan.FromHours(1), $"UserTtl must be 0 (never) or at least 1 h, got {UserTtl}.");
        Check(CheckpointInterval > TimeSpan.Zero && CheckpointInterval <= TimeSpan.FromHours(1), $"CheckpointInterval must be in (0, 1 h], got {CheckpointInterval}.");
        Check(TopK is >= 1 and <= 1000, $"TopK must be in [1, 1000], got {TopK}.");
        Check(VectorDimensions is >= 2 and <= 1024, $"VectorDimensions must be in [2, 1024], got {VectorDimensions}.");
        Check(Weights.Click >= 0 && Weights.Comment >= 0 && Weights.Purchase >= 0 && Weights.IntentBoost >= 0, "Event weights must be non-negative.");
        foreach (var (name, value) in new[]
                 {
                     (nameof(InterestHalfLife), InterestHalfLife), (nameof(ShortInterestHalfLife), ShortInterestHalfLife),
                     (nameof(AffinityHalfLife), AffinityHalfLife),
                     (nameof(PopularityHalfLife), PopularityHalfLife), (nameof(AudienceHalfLife), AudienceHalfLife),
                     (nameof(RerankTick), RerankTick), (nameof(MaxFutureSkew), MaxFutureSkew), (nameof(MaxLateness), MaxLateness),
                     (nameof(MaxEventTimeLead), MaxEventTimeLead),
                 })
        {
            Check(value > TimeSpan.Zero, $"{name} must be positive, got {value}.");
        }

        Check(ShortInterestHalfLife <= InterestHalfLife, $"ShortInterestHalfLife ({ShortInterestHalfLife}) must not exceed InterestHalfLife ({InterestHalfLife}).");
        Check(MinRerankInterval >= TimeSpan.Zero, $"MinRerankInterval must not be negative, got {MinRerankInterval}.");
        Check(CoalesceWindow >= TimeSpan.Zero, $"CoalesceWindow must not be negative, got {CoalesceWindow}.");
        Check(ColdStartPriorMass > 0, $"ColdStartPriorMass must be positive, got {ColdStartPriorMass}.");
        Check(FavouriteFanoutLimit >= 0, $"FavouriteFanoutLimit must not be negative, got {FavouriteFanoutLimit}.");
        Check(EventTimeJumpRecords is >= 1 and <= 10_000, $"EventTimeJumpRecords must be in [1, 10000], got {EventTimeJumpRecords}.");
        Check(Partitions is >= 1 and <= 256, $"Partitions must be in [1, 256], got {Partitions}.");
        Check(MaxAffinities is >= 1 and <= 255, $"MaxAffinities must be in [1, 255], got {MaxAffinities}.");
        Check(RankedRunnersUp >= 0 && TopK + RankedRunnersUp <= 255, $"TopK + RankedRunnersUp must be at most 255, got {TopK} + {RankedRunnersUp}.");
        Check(PromotionStaleness >= TimeSpan.Zero, $"PromotionStaleness must not be negative, got {PromotionStaleness}.");
        if (Retrieval is null)
        {
            errors.Add("Retrieval must be set.");
        }
        else
        {
            errors.AddRange(Retrieval.Problems(TopK));
        }

        if (Diversity is null)
        {
            errors.Add("Diversity must be set.");
        }
        else
        {
            errors.AddRange(Diversity.Problems());
        }

        if (CoEngagement is null)
        {
            errors.Add("CoEngagement must be set.");
        }
        else
        {
            errors.AddRange(CoEngagement.Problems());
        }

        Check(ModelShortlist == 0 || ModelShortlist >= TopK, $"ModelShortlist ({ModelShortlist}) must be 0 or at least TopK ({TopK}).");
        Check(BatchSize is >= 1 and <= 1 << 20, $"BatchSize must be in [1, 1048576], got {BatchSize}.");
        Check(MaxEventBytes is >= 64 and <= 16 << 20, $"MaxEventBytes must be in [64, 16 MiB], got {MaxEventBytes}.");
        Check(MaxIdBytes is >= 1 and <= 4096, $"MaxIdBytes must be in [1, 4096], got {MaxIdBytes}.");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid pipeline options:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        return this;
    }
}
