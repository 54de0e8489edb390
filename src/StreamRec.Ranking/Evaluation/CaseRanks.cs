using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Evaluation;

/// <summary>
/// The rank of a case's relevant room under each ranking rule. Ties break by room id, lower first, exactly as the
/// pipeline's top-K does, so a metric measures the list a user would actually have been shown.
/// </summary>
public static class CaseRanks
{
    /// <summary>Rank by score, higher first.</summary>
    public static int ByScore(ReadOnlySpan<float> scores, ReadOnlySpan<int> rooms, int target)
    {
        if (scores.Length != rooms.Length)
        {
            throw new ArgumentException($"{scores.Length} scores for {rooms.Length} rooms.", nameof(scores));
        }

        var score = scores[target];
        var room = rooms[target];
        var rank = 1;
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > score || (scores[i] == score && rooms[i] < room))
            {
                rank++;
            }
        }

        return rank;
    }

    /// <summary>POP: the rooms with the highest decayed popularity right now first.</summary>
    public static int ByPopularity(InteractionCase interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        return ByScore(interaction.Popularity, interaction.Rooms, interaction.TargetIndex);
    }

    /// <summary>REP: live rooms of the streamers the user engaged most recently first, then the rest by popularity.</summary>
    public static int ByRecency(InteractionCase interaction)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        var last = interaction.LastEngaged;
        var popularity = interaction.Popularity;
        var rooms = interaction.Rooms;
        var t = interaction.TargetIndex;
        var rank = 1;
        for (var i = 0; i < rooms.Length; i++)
        {
            var better = last[i] != last[t]
                ? last[i] > last[t]
                : popularity[i] > popularity[t] || (popularity[i] == popularity[t] && rooms[i] < rooms[t]);
            if (better)
            {
                rank++;
            }
        }

        return rank;
    }
}
