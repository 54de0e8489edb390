using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Onnx;
using StreamRec.Model.Manifest;

namespace StreamRec.Model.Export;

/// <summary>
/// Writes a fitted ML.NET binary classifier (for example FastTree or LightGBM, Platt-calibrated) or ranker (FastTree
/// or LightGBM LambdaMART) as the ONNX model the scorer serves: ML.NET's own converter (<c>Microsoft.ML.OnnxConverter</c>)
/// builds the graph, and this class adapts its signature and stamps the manifest into it.
/// </summary>
/// <remarks>
/// <para>
/// The converter is used rather than a graph of our own because it carries everything ML.NET's tree evaluation does,
/// including the per-node default directions LightGBM learns for missing values (ML.NET keeps them internal, so an
/// exporter built on the public tree API sends every NaN right and gets such models wrong).
/// </para>
/// <para>
/// The converter's graph (<c>Features</c> in; <c>Score</c>, and for a classifier <c>Probability</c> and
/// <c>PredictedLabel</c>, out) is changed only where serving needs it: the input is renamed <see cref="InputName"/>,
/// <c>float[N, F]</c>; the one output kept is the classifier's calibrated probability or the ranker's raw score,
/// renamed <see cref="OutputName"/>, <c>float[N, 1]</c>; nodes that no longer feed it are removed; N becomes a named batch dimension; the feature names and model version go into the metadata. Opsets
/// and IR version stay as the converter writes them (default domain 12, <c>ai.onnx.ml</c> 2, IR 6 for converter 0.23.1,
/// which supports no newer opset).
/// </para>
/// <para>The conversion is deterministic (the same model gives the same bytes). Instances are stateless and thread-safe.</para>
/// </remarks>
public sealed class OnnxRankerExporter
{
    /// <summary>Name of the graph's input, <c>float[N, F]</c>.</summary>
    public const string InputName = "features";

    /// <summary>
    /// Name of the graph's output, <c>float[N, 1]</c>: a classifier's calibrated probability, or a ranker's raw
    /// LambdaMART score (any finite real). Serving only orders it, so the two kinds are interchangeable there.
    /// </summary>
    public const string OutputName = "score";

    /// <summary>Key of the model metadata entry holding the manifest's feature names as a JSON array.</summary>
    public const string FeatureNamesMetadataKey = "streamrec.feature_names";

    /// <summary>Key of the model metadata entry holding the manifest's model version.</summary>
    public const string ModelVersionMetadataKey = "streamrec.model_version";

    /// <summary>The ML.NET columns whose value is served (a classifier's, else a ranker's), and the feature column the model reads.</summary>
    private const string ProbabilityColumn = "Probability";
    private const string ScoreColumn = "Score";
    private const string FeaturesColumn = "Features";

    /// <summary>The converter names a graph output after its column with this suffix.</summary>
    private const string ConverterOutputSuffix = ".output";
    private const string BatchDimension = "N";

    private readonly string _producerName;

    /// <summary>Creates an exporter.</summary>
    /// <param name="producerName">Written to the ONNX model's <c>producer_name</c>, for example the training job's name.</param>
    public OnnxRankerExporter(string producerName = "StreamRec.Model")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(producerName);
        _producerName = producerName;
    }

    /// <summary>Writes <paramref name="model"/> as ONNX to <paramref name="destination"/>.</summary>
    /// <param name="model">
    /// A fitted model that reads a <c>Features</c> column, <c>float</c> vector of the manifest's width, and writes a
    /// calibrated <c>Probability</c> column (what <c>FastTree</c> or <c>LightGbm</c> of <c>BinaryClassificationCatalog</c>
    /// return from <c>Fit</c>) or, without one, a <c>Score</c> column (those of <c>RankingCatalog</c>).
    /// </param>
    /// <param name="manifest">Describes the model; its feature count fixes the input width and its names are stored as metadata.</param>
    /// <param name="destination">Receives the serialized <c>ModelProto</c>; it is written to but neither flushed nor closed.</param>
    /// <exception cref="ArgumentException">The model does not read rows of the manifest's width or writes neither a probability nor a score.</exception>
    /// <exception cref="NotSupportedException">The converter refused the model, or wrote a graph of another shape than described above.</exception>
    public void Export(ITransformer model, ModelManifest manifest, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(destination);
        BuildModel(model, manifest, _producerName).WriteTo(destination);
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="modelPath"/> and its manifest next to it
    /// (<see cref="ModelManifest.PathForModel"/>), replacing existing files.
    /// </summary>
    /// <inheritdoc cref="Export" path="/exception"/>
    public void ExportToFile(ITransformer model, ModelManifest manifest, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        using (var stream = File.Create(modelPath))
        {
            Export(model, manifest, stream);
        }

        manifest.SaveForModel(modelPath);
    }

    internal static ModelProto BuildModel(ITransformer model, ModelManifest manifest, string producerName)
    {
        var ml = new MLContext(seed: 0);
        var input = FeatureRowsView(ml, manifest.FeatureNames.Count);
        var served = ServedColumn(model, input, manifest.FeatureNames.Count);

        ModelProto converted;
        using (var buffer = new MemoryStream())
        {
            try
            {
                ml.Model.ConvertToOnnx(model, input, buffer, served);
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or NotImplementedException)
            {
                throw new NotSupportedException($"Microsoft.ML.OnnxConverter cannot convert this model: {ex.Message}", ex);
            }

            converted = ModelProto.Parser.ParseFrom(buffer.ToArray());
        }

        Adapt(converted, served, manifest, producerName);
        return converted;
    }

    /// <summary>An empty view whose only column is the features: the converter takes its inputs from this schema.</summary>
    private static IDataView FeatureRowsView(MLContext ml, int featureCount)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return ml.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), schema);
    }

    private static string ServedColumn(ITransformer model, IDataView input, int featureCount)
    {
        DataViewSchema output;
        try
        {
            output = model.GetOutputSchema(input.Schema);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException(
                $"The model does not read rows of the {featureCount} features the manifest lists: {ex.Message}", nameof(model), ex);
        }

        // A classifier's Score is its uncalibrated margin: its probability is what it was validated on.
        foreach (var column in new[] { ProbabilityColumn, ScoreColumn })
        {
            if (output.GetColumnOrNull(column) is { Type: NumberDataViewType t } && t == NumberDataViewType.Single)
            {
                return column;
            }
        }

        throw new ArgumentException(
            $"The model writes neither a float '{ProbabilityColumn}' nor a float '{ScoreColumn}' column; only calibrated binary classifiers and rankers can be served.",
            nameof(model));
    }

    private static void Adapt(ModelProto model, string served, ModelManifest manifest, string producerName)
    {
        var graph = model.Graph;
        string converterOutput = served + ConverterOutputSuffix;
        if (graph.Input.Count != 1 || graph.Input[0].Name != FeaturesColumn
            || graph.Output.Count != 1 || graph.Output[0].Name != converterOutput)
        {
            throw new NotSupportedException(
                $"Expected the converter's graph to read '{FeaturesColumn}' and write '{converterOutput}', but it reads " +
                $"[{string.Join(", ", graph.Input.Select(i => i.Name))}] and writes [{string.Join(", ", graph.Output.Select(o => o.Name))}].");
        }

        if (graph.Node.Any(n => n.Output.Contains(InputName) || n.Output.Contains(OutputName)))
        {
            throw new NotSupportedException($"The converter's graph already has a value named '{InputName}' or '{OutputName}'.");
        }

        Rename(graph, FeaturesColumn, InputName);
        Rename(graph, converterOutput, OutputName);
        NameBatchDimension(graph.Input[0]);
        NameBatchDimension(graph.Output[0]);
        Prune(graph);

        string converter = typeof(OnnxExportExtensions).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown version";
        model.ProducerName = producerName;
        model.ProducerVersion = typeof(OnnxRankerExporter).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        model.Domain = "streamrec";
        string meaning = served == ProbabilityColumn ? "Calibrated probability of a click" : "Ranking score (LambdaMART; orders rooms, not a probability)";
        model.DocString = $"{meaning}; graph by Microsoft.ML.OnnxConverter {converter}; model {manifest.ModelVersion}.";
        model.MetadataProps.Clear();
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = FeatureNamesMetadataKey,
            Value = JsonSerializer.Serialize(manifest.FeatureNames, FeatureNamesJsonContext.Default.IReadOnlyListString),
        });
        model.MetadataProps.Add(new StringStringEntryProto { Key = ModelVersionMetadataKey, Value = manifest.ModelVersion });
    }

    private static void Rename(GraphProto graph, string from, string to)
    {
        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo).Where(v => v.Name == from))
        {
            value.Name = to;
        }

        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }

            for (int i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i] == from)
                {
                    node.Output[i] = to;
                }
            }
        }
    }

    /// <summary>The converter writes the batch dimension as the value -1, which ONNX does not define; a name says "any".</summary>
    private static void NameBatchDimension(ValueInfoProto value)
    {
        var shape = value.Type?.TensorType?.Shape;
        if (shape is { Dim.Count: > 0 })
        {
            shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = BatchDimension };
        }
    }

    /// <summary>
    /// Removes the nodes, initializers and value infos that no graph output depends on (the converter's label branch),
    /// so the file holds only what is served.
    /// </summary>
    private static void Prune(GraphProto graph)
    {
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        for (int i = graph.Node.Count - 1; i >= 0; i--)
        {
            var node = graph.Node[i];
            if (node.Output.Any(needed.Contains))
            {
                kept.Add(node);
                needed.UnionWith(node.Input.Where(name => name.Length > 0));
            }
        }

        kept.Reverse();
        graph.Node.Clear();
        graph.Node.AddRange(kept);

        var initializers = graph.Initializer.Where(t => needed.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(initializers);

        // The intermediate types stay: onnx's shape inference cannot derive the ai.onnx.ml 2 tree ensemble's output
        // type, so strict checkers need them. An entry that repeats a graph output goes.
        var valueInfo = graph.ValueInfo.Where(v => needed.Contains(v.Name) && graph.Output.All(o => o.Name != v.Name)).ToList();
        valueInfo.ForEach(NameBatchDimension);
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(valueInfo);
    }

    /// <summary>The shape of one row the converter sees: the feature vector only, its width set in the schema.</summary>
    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
