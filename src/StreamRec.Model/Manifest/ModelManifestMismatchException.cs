namespace StreamRec.Model.Manifest;

/// <summary>
/// Thrown when a model's manifest does not list the features, in the order, that the caller will feed it.
/// Scoring such a model would silently put values into the wrong inputs, so it is refused instead.
/// </summary>
public sealed class ModelManifestMismatchException : InvalidOperationException
{
    public ModelManifestMismatchException()
    {
    }

    public ModelManifestMismatchException(string message)
        : base(message)
    {
    }

    public ModelManifestMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ModelManifestMismatchException(string message, int position, string? expectedFeature, string? manifestFeature)
        : base(message)
    {
        Position = position;
        ExpectedFeature = expectedFeature;
        ManifestFeature = manifestFeature;
    }

    /// <summary>Zero-based position of the first mismatch, or -1 when not known.</summary>
    public int Position { get; } = -1;

    /// <summary>The feature the caller expects at <see cref="Position"/>; <see langword="null"/> when the caller has fewer features.</summary>
    public string? ExpectedFeature { get; }

    /// <summary>The feature the manifest lists at <see cref="Position"/>; <see langword="null"/> when the manifest has fewer features.</summary>
    public string? ManifestFeature { get; }
}
