namespace StreamRec.Ranking.Training;

/// <summary>One labelled row as ML.NET reads it (the feature vector's width and the group's key range are set by the schema at load time).</summary>
internal sealed class TrainingExample
{
    public float[] Features { get; set; } = [];

    /// <summary>Clicked or not: the binary objective's label.</summary>
    public bool Label { get; set; }

    /// <summary>The binary objective's row weight.</summary>
    public float Weight { get; set; }

    /// <summary>Graded relevance, the ranking objective's label: 0 not clicked, 1 clicked, more when the visit engaged.</summary>
    public float Relevance { get; set; }

    /// <summary>The training visit the row belongs to, 1-based (a key value; 0 would mean missing): the ranking objective's group.</summary>
    public uint GroupId { get; set; }
}
