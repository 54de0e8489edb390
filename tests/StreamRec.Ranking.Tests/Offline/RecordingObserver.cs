using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Features;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Tests.Offline;

/// <summary>Copies what the replayer reports, since its case buffers are reused.</summary>
internal sealed class RecordingObserver : IInteractionObserver
{
    public List<Recorded> Cases { get; } = [];

    public List<(int CaseId, EventKind Kind)> Engagements { get; } = [];

    public void OnCase(InteractionCase interaction) => Cases.Add(new Recorded(
        interaction.Id, interaction.Ts, interaction.User, interaction.Room, interaction.IsRepeat, interaction.TargetIndex,
        interaction.Rooms.ToArray(), interaction.Features.ToArray(), interaction.Popularity.ToArray(), interaction.LastEngaged.ToArray(),
        interaction.EventId));

    public void OnVisitEngagement(int caseId, EventKind kind) => Engagements.Add((caseId, kind));

    internal sealed record Recorded(
        int Id, long Ts, int User, int Room, bool IsRepeat, int TargetIndex, int[] Rooms, float[] Features, float[] Popularity, long[] LastEngaged,
        string? EventId)
    {
        public float[] Row(int index) => Features.AsSpan(index * FeatureExtractor.Count, FeatureExtractor.Count).ToArray();
    }
}
