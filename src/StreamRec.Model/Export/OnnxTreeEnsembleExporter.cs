using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Onnx;
using StreamRec.Model.Manifest;

namespace StreamRec.Model.Export;

/// <summary>
/// Writes a trained ML.NET binary tree-ensemble classifier (FastTree or LightGBM, Platt-calibrated) as an ONNX model
/// that computes the same calibrated probability as ML.NET.
/// </summary>
/// <remarks>
/// <para>
/// The graph takes input <c>features</c>, <c>float[N, F]</c> (F = number of features in the manifest), and produces
/// output <c>score</c>, <c>float[N, 1]</c>: <c>ai.onnx.ml.TreeEnsembleRegressor</c> sums the leaf values of all trees
/// into the raw score, then <c>Mul</c>, <c>Add</c> and <c>Sigmoid</c> apply ML.NET's Platt calibrator,
/// <c>p = 1 / (1 + exp(slope * raw + offset))</c>, written as <c>Sigmoid(-slope * raw - offset)</c>.
/// Opsets: default domain 17, <c>ai.onnx.ml</c> 3; IR version 8 (readable by ONNX Runtime and by onnx 1.12's checker).
/// </para>
/// <para>
/// Split semantics follow ML.NET's tree evaluation: an instance goes to the left child when
/// <c>value &lt;= threshold</c> (ONNX <c>BRANCH_LEQ</c>, left is the true branch), otherwise right. A NaN feature
/// compares false and so goes right, which is also what ONNX Runtime does when
/// <c>nodes_missing_value_tracks_true</c> is 0. ML.NET sums the leaf values as they are: it does not scale them by
/// <see cref="TreeEnsemble{T}.TreeWeights"/> nor add <see cref="TreeEnsemble{T}.Bias"/>; ensembles whose weights are
/// not all 1 or whose bias is not 0 are refused rather than exported with a guess.
/// </para>
/// <para>
/// Not supported (refused with <see cref="NotSupportedException"/>): categorical splits. For LightGBM, a model trained
/// on data containing NaN may carry per-node default directions for missing values that ML.NET keeps internal; such
/// models match ML.NET for finite inputs, and NaN inputs go right.
/// </para>
/// <para>Instances are stateless and thread-safe.</para>
/// </remarks>
public sealed class OnnxTreeEnsembleExporter
{
    /// <summary>Name of the graph's input, <c>float[N, F]</c>.</summary>
    public const string InputName = "features";

    /// <summary>Name of the graph's output, <c>float[N, 1]</c>: the calibrated probability.</summary>
    public const string OutputName = "score";

    /// <summary>Version of the default ONNX operator set the graph imports.</summary>
    public const long OnnxOpsetVersion = 17;

    /// <summary>Version of the <c>ai.onnx.ml</c> operator set the graph imports.</summary>
    public const long OnnxMlOpsetVersion = 3;

    /// <summary>Key of the model metadata entry holding the manifest's feature names as a JSON array.</summary>
    public const string FeatureNamesMetadataKey = "streamrec.feature_names";

    /// <summary>Key of the model metadata entry holding the manifest's model version.</summary>
    public const string ModelVersionMetadataKey = "streamrec.model_version";

    private const string MlDomain = "ai.onnx.ml";
    private const string RawScoreName = "raw_score";
    private const string ScaledScoreName = "scaled_score";
    private const string LogitName = "logit";
    private const string NegatedSlopeName = "platt_negated_slope";
    private const string NegatedOffsetName = "platt_negated_offset";
    private const string BatchDimension = "N";

    private readonly string _producerName;

    /// <summary>Creates an exporter.</summary>
    /// <param name="producerName">Written to the ONNX model's <c>producer_name</c>, for example the training job's name.</param>
    public OnnxTreeEnsembleExporter(string producerName = "StreamRec.Model")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(producerName);
        _producerName = producerName;
    }

    /// <summary>Writes <paramref name="model"/> (from <c>FastTreeBinaryTrainer</c>) as ONNX to <paramref name="destination"/>.</summary>
    /// <param name="model">The calibrated FastTree model, for example a <c>BinaryPredictionTransformer</c>'s <c>Model</c>.</param>
    /// <param name="manifest">Describes the model; its feature count fixes the input width and its names are stored as metadata.</param>
    /// <param name="destination">Receives the serialized <c>ModelProto</c>; it is written to but neither flushed nor closed.</param>
    /// <exception cref="ArgumentException">The model splits on a feature index outside the manifest's features.</exception>
    /// <exception cref="NotSupportedException">The model uses categorical splits, tree weights other than 1, or a bias.</exception>
    public void Export(
        CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> model,
        ModelManifest manifest,
        Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        Write(BuildModel(model.SubModel.TrainedTreeEnsemble, model.Calibrator, manifest, "FastTreeBinary", _producerName), destination);
    }

    /// <summary>Writes <paramref name="model"/> (from <c>LightGbmBinaryTrainer</c>) as ONNX to <paramref name="destination"/>.</summary>
    /// <param name="model">The calibrated LightGBM model, for example a <c>BinaryPredictionTransformer</c>'s <c>Model</c>.</param>
    /// <param name="manifest">Describes the model; its feature count fixes the input width and its names are stored as metadata.</param>
    /// <param name="destination">Receives the serialized <c>ModelProto</c>; it is written to but neither flushed nor closed.</param>
    /// <exception cref="ArgumentException">The model splits on a feature index outside the manifest's features.</exception>
    /// <exception cref="NotSupportedException">The model uses categorical splits, tree weights other than 1, or a bias.</exception>
    public void Export(
        CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator> model,
        ModelManifest manifest,
        Stream destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        Write(BuildModel(model.SubModel.TrainedTreeEnsemble, model.Calibrator, manifest, "LightGbmBinary", _producerName), destination);
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="modelPath"/> and its manifest next to it
    /// (<see cref="ModelManifest.PathForModel"/>), replacing existing files.
    /// </summary>
    public void ExportToFile(
        CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> model,
        ModelManifest manifest,
        string modelPath)
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

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="modelPath"/> and its manifest next to it
    /// (<see cref="ModelManifest.PathForModel"/>), replacing existing files.
    /// </summary>
    public void ExportToFile(
        CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator> model,
        ModelManifest manifest,
        string modelPath)
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

    private static void Write(ModelProto model, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        model.WriteTo(destination);
    }

    internal static ModelProto BuildModel(
        RegressionTreeEnsemble ensemble,
        PlattCalibrator calibrator,
        ModelManifest manifest,
        string trainerLabel,
        string producerName)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(calibrator);
        ArgumentNullException.ThrowIfNull(manifest);

        int featureCount = manifest.FeatureNames.Count;
        var graph = new GraphProto { Name = "streamrec_tree_ensemble_ranker" };
        graph.Input.Add(FloatMatrix(InputName, featureCount));
        graph.Output.Add(FloatMatrix(OutputName, 1));

        graph.Node.Add(TreeEnsembleNode(ensemble, featureCount));

        // ML.NET: p = 1 / (1 + exp(slope * raw + offset)) = Sigmoid(-(slope * raw + offset)).
        graph.Initializer.Add(FloatScalar(NegatedSlopeName, (float)-calibrator.Slope));
        graph.Initializer.Add(FloatScalar(NegatedOffsetName, (float)-calibrator.Offset));
        graph.Node.Add(Node("Mul", "platt_scale", [RawScoreName, NegatedSlopeName], ScaledScoreName));
        graph.Node.Add(Node("Add", "platt_shift", [ScaledScoreName, NegatedOffsetName], LogitName));
        graph.Node.Add(Node("Sigmoid", "platt_sigmoid", [LogitName], OutputName));

        var model = new ModelProto
        {
            IrVersion = (long)Onnx.Version.IrVersion,
            ProducerName = producerName,
            ProducerVersion = typeof(OnnxTreeEnsembleExporter).Assembly.GetName().Version?.ToString() ?? "0.0.0",
            Domain = "streamrec",
            DocString = $"{trainerLabel} tree ensemble ({ensemble.Trees.Count} trees) with Platt calibration " +
                $"(slope {calibrator.Slope.ToString("R", CultureInfo.InvariantCulture)}, " +
                $"offset {calibrator.Offset.ToString("R", CultureInfo.InvariantCulture)}); model {manifest.ModelVersion}.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OnnxOpsetVersion });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = MlDomain, Version = OnnxMlOpsetVersion });
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = FeatureNamesMetadataKey,
            Value = JsonSerializer.Serialize(manifest.FeatureNames, FeatureNamesJsonContext.Default.IReadOnlyListString),
        });
        model.MetadataProps.Add(new StringStringEntryProto { Key = ModelVersionMetadataKey, Value = manifest.ModelVersion });
        return model;
    }

    private static NodeProto TreeEnsembleNode(RegressionTreeEnsemble ensemble, int featureCount)
    {
        if (ensemble.Bias != 0)
        {
            throw new NotSupportedException(
                $"The ensemble has bias {ensemble.Bias}; ML.NET's scorer ignores it, so the intended output is ambiguous.");
        }

        var treeIds = new List<long>();
        var nodeIds = new List<long>();
        var featureIds = new List<long>();
        var modes = new List<ByteString>();
        var thresholds = new List<float>();
        var trueIds = new List<long>();
        var falseIds = new List<long>();
        var targetTreeIds = new List<long>();
        var targetNodeIds = new List<long>();
        var targetWeights = new List<float>();

        var branchLeq = ByteString.CopyFromUtf8("BRANCH_LEQ");
        var leaf = ByteString.CopyFromUtf8("LEAF");
        int exportedTrees = 0;

        for (int t = 0; t < ensemble.Trees.Count; t++)
        {
            if (ensemble.TreeWeights[t] != 1.0)
            {
                throw new NotSupportedException(
                    $"Tree {t} has weight {ensemble.TreeWeights[t]}; ML.NET's scorer ignores tree weights, so the intended output is ambiguous.");
            }

            RegressionTree tree = ensemble.Trees[t];
            int nodeCount = tree.NumberOfNodes;
            if (nodeCount == 0)
            {
                // ML.NET scores a tree without splits as 0, whatever its single leaf holds.
                continue;
            }

            long onnxTreeId = exportedTrees++;
            for (int n = 0; n < nodeCount; n++)
            {
                if (tree.CategoricalSplitFlags[n])
                {
                    throw new NotSupportedException($"Tree {t}, node {n} uses a categorical split, which this exporter does not support.");
                }

                int feature = tree.NumericalSplitFeatureIndexes[n];
                if (feature < 0 || feature >= featureCount)
                {
                    throw new ArgumentException(
                        $"Tree {t}, node {n} splits on feature index {feature}, but the manifest lists {featureCount} features.",
                        nameof(featureCount));
                }

                treeIds.Add(onnxTreeId);
                nodeIds.Add(n);
                featureIds.Add(feature);
                modes.Add(branchLeq);
                thresholds.Add(tree.NumericalSplitThresholds[n]);
                trueIds.Add(OnnxNodeId(tree.LeftChild[n], nodeCount));
                falseIds.Add(OnnxNodeId(tree.RightChild[n], nodeCount));
            }

            for (int l = 0; l < tree.NumberOfLeaves; l++)
            {
                long id = nodeCount + l;
                treeIds.Add(onnxTreeId);
                nodeIds.Add(id);
                featureIds.Add(0);
                modes.Add(leaf);
                thresholds.Add(0f);
                trueIds.Add(0);
                falseIds.Add(0);

                targetTreeIds.Add(onnxTreeId);
                targetNodeIds.Add(id);
                targetWeights.Add((float)tree.LeafValues[l]);
            }
        }

        if (exportedTrees == 0)
        {
            throw new NotSupportedException("The ensemble has no tree with a split; there is nothing to export.");
        }

        var node = Node("TreeEnsembleRegressor", "tree_ensemble", [InputName], RawScoreName);
        node.Domain = MlDomain;
        node.Attribute.Add(IntAttribute("n_targets", 1));
        node.Attribute.Add(StringAttribute("aggregate_function", "SUM"));
        node.Attribute.Add(StringAttribute("post_transform", "NONE"));
        node.Attribute.Add(FloatsAttribute("base_values", [0f]));
        node.Attribute.Add(IntsAttribute("nodes_treeids", treeIds));
        node.Attribute.Add(IntsAttribute("nodes_nodeids", nodeIds));
        node.Attribute.Add(IntsAttribute("nodes_featureids", featureIds));
        node.Attribute.Add(StringsAttribute("nodes_modes", modes));
        node.Attribute.Add(FloatsAttribute("nodes_values", thresholds));
        node.Attribute.Add(IntsAttribute("nodes_truenodeids", trueIds));
        node.Attribute.Add(IntsAttribute("nodes_falsenodeids", falseIds));
        node.Attribute.Add(IntsAttribute("target_treeids", targetTreeIds));
        node.Attribute.Add(IntsAttribute("target_nodeids", targetNodeIds));
        node.Attribute.Add(IntsAttribute("target_ids", new long[targetNodeIds.Count]));
        node.Attribute.Add(FloatsAttribute("target_weights", targetWeights));
        return node;
    }

    /// <summary>ML.NET encodes leaf k as ~k; ONNX ids put the leaves after the split nodes.</summary>
    private static long OnnxNodeId(int mlNetChild, int nodeCount) => mlNetChild < 0 ? nodeCount + ~mlNetChild : mlNetChild;

    private static NodeProto Node(string opType, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static ValueInfoProto FloatMatrix(string name, int columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    private static TensorProto FloatScalar(string name, float value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.FloatData.Add(value);
        return tensor;
    }

    private static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto StringAttribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto IntsAttribute(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto FloatsAttribute(string name, IEnumerable<float> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    private static AttributeProto StringsAttribute(string name, IEnumerable<ByteString> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        attribute.Strings.AddRange(values);
        return attribute;
    }
}
