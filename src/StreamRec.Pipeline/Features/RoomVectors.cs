using System.Numerics.Tensors;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Features;

/// <summary>
/// Room vectors for cold start and beyond: v = normalize(b * c + (1 - b) * a), where c is the category's
/// fixed embedding, a the streamer's normalised audience vector and b = m0 / (m0 + m) shrinks from 1 to
/// 0 as the audience mass m (decayed engagement) grows past the prior mass m0. With
/// <see cref="Options.CoEngagementOptions.ColdStartWeight"/> λ &gt; 0 the prior also leans on the streamer's
/// co-engagement neighbours: c + λ Σ_Y share(Y) x a_Y, the audiences of the streamers its viewers also watch,
/// which know a new streamer's niche before its own audience does.
/// </summary>
public sealed class RoomVectors(PipelineOptions options, PipelineState state)
{
    private readonly List<float[]> _categories = [];

    /// <summary>The category's fixed unit vector (cached).</summary>
    public ReadOnlySpan<float> Category(int category)
    {
        while (_categories.Count <= category)
        {
            _categories.Add(CategoryEmbedding.For(state.Ids.Categories.NameOf(_categories.Count), options.VectorDimensions));
        }

        return _categories[category];
    }

    /// <summary>Writes the room's unit vector at <paramref name="nowMs"/> into <paramref name="destination"/>.</summary>
    public void Compute(RoomState room, long nowMs, Span<float> destination)
    {
        destination.Clear();
        var streamer = room.Streamer >= 0 ? state.Rooms.FindStreamer(room.Streamer) : null;
        var mass = streamer is null ? 0 : streamer.AudienceMass.At(nowMs, options.AudienceHalfLife);
        var prior = options.ColdStartPriorMass / (options.ColdStartPriorMass + mass);
        if (room.Category >= 0)
        {
            Vectors.ScaleAdd(destination, 0, Category(room.Category), (float)prior);
        }

        if (options.CoEngagement.ColdStartWeight > 0 && state.CoEngagement.Find(room.Streamer) is { Mass: > 0 } neighbours)
        {
            var scale = prior * options.CoEngagement.ColdStartWeight / neighbours.Mass;
            foreach (var neighbour in neighbours.Entries)
            {
                if (state.Rooms.FindStreamer(neighbour.Streamer) is { } other && TensorPrimitives.Norm<float>(other.Audience) is > 0 and var norm)
                {
                    Vectors.ScaleAdd(destination, 1, other.Audience, (float)(scale * neighbour.Weight / norm));
                }
            }
        }

        if (streamer is not null && mass > 0)
        {
            Span<float> audience = stackalloc float[destination.Length];
            streamer.Audience.CopyTo(audience);
            Vectors.Normalize(audience);
            Vectors.ScaleAdd(destination, 1, audience, (float)(1 - prior));
        }

        Vectors.Normalize(destination);
    }
}
