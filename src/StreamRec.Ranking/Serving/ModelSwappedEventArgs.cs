using StreamRec.Model.Manifest;

namespace StreamRec.Ranking.Serving;

/// <summary>A new model replaced the previous one: every <see cref="OnnxScorer.Score"/> call from now on uses it.</summary>
public sealed class ModelSwappedEventArgs(ModelManifest previous, ModelManifest current) : EventArgs
{
    public ModelManifest Previous { get; } = previous;

    public ModelManifest Current { get; } = current;
}
