using System.Collections.ObjectModel;
using System.Text.Json;

namespace StreamRec.Model.Manifest;

/// <summary>
/// Describes a model file: the feature names in the order of the model's input columns, a version string, and what
/// the model was trained from. Stored as JSON next to the model (<c>ranker.onnx</c> → <c>ranker.onnx.manifest.json</c>)
/// so that a scorer can refuse a model built for a different feature layout.
/// </summary>
/// <param name="FeatureNames">Feature names, in input-column order; non-empty, unique, none blank.</param>
/// <param name="ModelVersion">Version of the model, for example <c>2024-06-01.3</c>; not blank.</param>
/// <param name="TrainedFrom">What the model was trained from.</param>
public sealed record ModelManifest(
    IReadOnlyList<string> FeatureNames,
    string ModelVersion,
    ModelTrainingSummary TrainedFrom)
{
    /// <summary>Appended to a model's path to name its manifest.</summary>
    public const string FileSuffix = ".manifest.json";

    /// <summary>Feature names, in input-column order.</summary>
    public IReadOnlyList<string> FeatureNames { get; } = ValidateFeatureNames(FeatureNames);

    /// <summary>Version of the model.</summary>
    public string ModelVersion { get; } = ValidateModelVersion(ModelVersion);

    /// <summary>What the model was trained from.</summary>
    public ModelTrainingSummary TrainedFrom { get; } = TrainedFrom ?? throw new ArgumentNullException(nameof(TrainedFrom));

    /// <summary>The manifest path for a model file: the model path with <see cref="FileSuffix"/> appended.</summary>
    public static string PathForModel(string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return modelPath + FileSuffix;
    }

    /// <summary>Reads and validates the manifest stored next to <paramref name="modelPath"/>.</summary>
    /// <exception cref="FileNotFoundException">The model has no manifest.</exception>
    /// <exception cref="InvalidDataException">The manifest is not valid JSON or violates the manifest's rules.</exception>
    public static ModelManifest LoadForModel(string modelPath) => Load(PathForModel(modelPath));

    /// <summary>Reads and validates a manifest file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON or violates the manifest's rules.</exception>
    public static ModelManifest Load(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestPath);
        using var stream = File.OpenRead(manifestPath);
        try
        {
            return JsonSerializer.Deserialize(stream, ModelManifestJsonContext.Default.ModelManifest)
                ?? throw new InvalidDataException($"Model manifest '{manifestPath}' is empty (JSON null).");
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"Model manifest '{manifestPath}' is invalid: {ex.Message}", ex);
        }
    }

    /// <summary>Reads and validates a manifest file without blocking the calling thread.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON or violates the manifest's rules.</exception>
    public static async ValueTask<ModelManifest> LoadAsync(string manifestPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestPath);
        var stream = File.OpenRead(manifestPath);
        await using (stream)
        {
            try
            {
                return await JsonSerializer.DeserializeAsync(stream, ModelManifestJsonContext.Default.ModelManifest, cancellationToken)
                    ?? throw new InvalidDataException($"Model manifest '{manifestPath}' is empty (JSON null).");
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException)
            {
                throw new InvalidDataException($"Model manifest '{manifestPath}' is invalid: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Writes this manifest next to <paramref name="modelPath"/>, replacing any existing one.</summary>
    public void SaveForModel(string modelPath) => Save(PathForModel(modelPath));

    /// <summary>Writes this manifest as indented JSON, replacing any existing file.</summary>
    public void Save(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestPath);
        using var stream = File.Create(manifestPath);
        JsonSerializer.Serialize(stream, this, ModelManifestJsonContext.Default.ModelManifest);
    }

    /// <summary>Writes this manifest as indented JSON without blocking the calling thread, replacing any existing file.</summary>
    public async ValueTask SaveAsync(string manifestPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(manifestPath);
        var stream = File.Create(manifestPath);
        await using (stream)
        {
            await JsonSerializer.SerializeAsync(stream, this, ModelManifestJsonContext.Default.ModelManifest, cancellationToken);
        }
    }

    /// <summary>
    /// Checks that the model takes exactly <paramref name="expectedFeatureNames"/>, in that order (names compare
    /// ordinally, case-sensitive).
    /// </summary>
    /// <exception cref="ModelManifestMismatchException">The lists differ; the message names the first differing position and feature.</exception>
    public void EnsureMatches(IReadOnlyList<string> expectedFeatureNames)
    {
        ArgumentNullException.ThrowIfNull(expectedFeatureNames);

        int common = Math.Min(expectedFeatureNames.Count, FeatureNames.Count);
        for (int i = 0; i < common; i++)
        {
            string expected = expectedFeatureNames[i];
            string actual = FeatureNames[i];
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
            {
                string hint = Describe(expected, actual);
                throw new ModelManifestMismatchException(
                    $"Model '{ModelVersion}' does not match the features supplied: at position {i} the caller expects " +
                    $"feature '{expected}' but the model manifest has '{actual}'{hint}.",
                    i,
                    expected,
                    actual);
            }
        }

        if (expectedFeatureNames.Count > FeatureNames.Count)
        {
            string missing = expectedFeatureNames[common];
            throw new ModelManifestMismatchException(
                $"Model '{ModelVersion}' does not match the features supplied: the caller expects feature '{missing}' at " +
                $"position {common} but the model manifest has only {FeatureNames.Count} features.",
                common,
                missing,
                null);
        }

        if (FeatureNames.Count > expectedFeatureNames.Count)
        {
            string extra = FeatureNames[common];
            throw new ModelManifestMismatchException(
                $"Model '{ModelVersion}' does not match the features supplied: the model manifest has feature '{extra}' at " +
                $"position {common} which the caller does not supply (the caller has {expectedFeatureNames.Count} features).",
                common,
                null,
                extra);
        }

        string Describe(string expected, string actual)
        {
            int actualAt = IndexOf(FeatureNames, expected);
            int expectedAt = IndexOf(expectedFeatureNames, actual);
            return (actualAt, expectedAt) switch
            {
                (< 0, _) => $"; the model has no feature '{expected}'",
                (_, < 0) => $"; the caller supplies no feature '{actual}'",
                _ => $"; the model has '{expected}' at position {actualAt} (features are out of order)",
            };
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static ReadOnlyCollection<string> ValidateFeatureNames(IReadOnlyList<string> featureNames)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        if (featureNames.Count == 0)
        {
            throw new ArgumentException("A model manifest must list at least one feature.", nameof(featureNames));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var copy = new string[featureNames.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            string? name = featureNames[i];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException($"Feature name at position {i} is blank.", nameof(featureNames));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"Feature name '{name}' appears more than once (again at position {i}).", nameof(featureNames));
            }

            copy[i] = name;
        }

        return Array.AsReadOnly(copy);
    }

    private static string ValidateModelVersion(string modelVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        return modelVersion;
    }
}
