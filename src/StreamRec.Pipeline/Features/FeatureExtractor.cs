using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Features;

/// <summary>
/// The one definition of the ranking features of a (user, live room) pair, used online by the scoring
/// stage and offline to build training data, so the model sees in serving exactly what it saw in training.
/// Not thread-safe (it caches category vectors): one per partition.
/// </summary>
public sealed class FeatureExtractor(PipelineOptions options, PipelineState state)
{
    /// <summary>Feature names, in the column order of every feature row. A model's manifest must list the same.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        "interest_similarity",
        "streamer_affinity",
        "streamer_recency",
        "room_popularity",
        "room_conversion",
        "room_age",
        "category_match",
        "user_activity",
        "short_interest_similarity",
        "short_category_match",
        "room_intent_rate",
        "coengagement",
        "coengagement_max",
    ];

    /// <summary>Features per row: the length of <see cref="FeatureNames"/>.</summary>
    public static int Count { get; } = FeatureNames.Count;

    private static readonly TimeSpan RecencyHalfLife = TimeSpan.FromHours(1);

    private readonly RoomVectors _vectors = new(options, state);

    public RoomVectors Vectors => _vectors;

    /// <summary>Fills the per-room part of the features at <paramref name="nowMs"/>.</summary>
    public void PrepareRoom(RoomState room, long nowMs, RoomContext context)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(context);
        context.Room = room.Room;
        context.Streamer = room.Streamer;
        context.Category = room.Category;
        _vectors.Compute(room, nowMs, context.Vector);
        context.Popularity = (float)Math.Log(1 + room.Popularity.At(nowMs, options.PopularityHalfLife));
        var visits = room.Visits.At(nowMs, options.PopularityHalfLife);
        var purchases = room.Purchases.At(nowMs, options.PopularityHalfLife);

        // Smoothed rate: a room with little traffic sits near the prior 0.05 instead of 0 or 1.
        context.Conversion = (float)((purchases + 0.05) / (visits + 1.0));
        context.AgeMinutes = (float)Math.Log(1 + Math.Max(0, nowMs - room.StartTs) / 60_000.0);

        // Over visits, like conversion, but with no prior: most rooms hear no buying questions.
        context.IntentRate = (float)(room.Intents.At(nowMs, options.PopularityHalfLife) / (visits + 1.0));
    }

    /// <summary>
    /// Computes the per-user part of the features (the unit interest vector, activity, streamer affinities and
    /// their co-engaged streamers)
    /// into <paramref name="context"/>; call once per user, then <see cref="Extract"/> per candidate.
    /// </summary>
    public void PrepareUser(UserState user, long nowMs, UserContext context)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(context);
        if (!Numerics.Vectors.TryUnit(user.Interest, context.Unit))
        {
            Array.Clear(context.Unit);
        }

        // The unit vector forgets how long ago the session was; its decayed length does not. Scaling the short-term
        // features by m / (m + 1) lets a session fade out over minutes of idleness (one click: m = 1, half weight).
        var shortLength = Numerics.Vectors.Norm(user.ShortInterest);
        if (!Numerics.Vectors.TryUnit(user.ShortInterest, context.ShortUnit))
        {
            Array.Clear(context.ShortUnit);
        }

        var shortMass = shortLength * Decay.Factor(user.InterestTs, nowMs, options.ShortInterestHalfLife);
        context.ShortStrength = (float)(shortMass / (shortMass + 1));
        context.Reset(_vectors);
        context.Activity = (float)Math.Log(1 + user.Activity.At(nowMs, options.InterestHalfLife));
        foreach (var affinity in user.Affinities)
        {
            var engagement = affinity.Engagement.At(nowMs, options.AffinityHalfLife);
            context.AddStreamer(
                affinity.Streamer,
                (float)Math.Log(1 + engagement),
                (float)Decay.Factor(affinity.Engagement.Ts, nowMs, RecencyHalfLife));

            // A list's weights and mass share one time, so the share w / mass is read without decaying.
            if (state.CoEngagement.Find(affinity.Streamer) is { Mass: > 0 } neighbours)
            {
                foreach (var neighbour in neighbours.Entries)
                {
                    var share = neighbour.Weight / neighbours.Mass;
                    context.AddCoEngagement(neighbour.Streamer, (float)(engagement * share), (float)share);
                }
            }
        }
    }

    /// <summary>Writes the feature row of (user, room) into <paramref name="row"/>; both contexts prepared for the same time.</summary>
    public static void Extract(UserContext user, RoomContext room, Span<float> row)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(room);

        // Both vectors are unit (or zero) already, so the dot product is the cosine.
        row[0] = Numerics.Vectors.Dot(user.Unit, room.Vector);
        (row[1], row[2]) = user.Streamer(room.Streamer);
        row[3] = room.Popularity;
        row[4] = room.Conversion;
        row[5] = room.AgeMinutes;
        row[6] = user.CategoryMatch(room.Category);
        row[7] = user.Activity;
        row[8] = user.ShortStrength * Numerics.Vectors.Dot(user.ShortUnit, room.Vector);
        row[9] = user.ShortCategoryMatch(room.Category);
        row[10] = room.IntentRate;
        var (coEngagement, coEngagementMax) = user.CoEngagement(room.Streamer);
        row[11] = MathF.Log(1 + coEngagement);
        row[12] = coEngagementMax;
    }
}
