namespace StreamRec.Ranking.Training;

/// <summary>One labelled row as ML.NET reads it (the feature vector's width is set by the schema at load time).</summary>
internal sealed class TrainingExample
{
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }

    public float Weight { get; set; }
}
