namespace StreamRec.Ranking.Serving;

/// <summary>Size and modification time of a model and its manifest: what tells that either was replaced.</summary>
internal readonly record struct ModelFingerprint(long ModelTicks, long ModelLength, long ManifestTicks, long ManifestLength)
{
    public static ModelFingerprint Of(string modelPath, string manifestPath)
    {
        var model = new FileInfo(modelPath);
        var manifest = new FileInfo(manifestPath);
        return new(
            model.Exists ? model.LastWriteTimeUtc.Ticks : -1, model.Exists ? model.Length : -1,
            manifest.Exists ? manifest.LastWriteTimeUtc.Ticks : -1, manifest.Exists ? manifest.Length : -1);
    }
}
