namespace StreamRec.Ranking.Serving;

/// <summary>The model file and its manifest carry different versions: they come from different trainings.</summary>
internal sealed class ModelFilesOutOfStepException(string message) : IOException(message);
