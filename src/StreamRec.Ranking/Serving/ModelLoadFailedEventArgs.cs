namespace StreamRec.Ranking.Serving;

/// <summary>The model files changed but could not be loaded; the scorer keeps the model it had.</summary>
public sealed class ModelLoadFailedEventArgs(Exception error) : EventArgs
{
    public Exception Error { get; } = error;
}
