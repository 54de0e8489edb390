using Akka;
using Akka.Streams.Dsl;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.Stages;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline;

/// <summary>The whole recommendation graph, from raw records to deltas, top to bottom.</summary>
public static class RecommendationPipeline
{
    /// <summary>
    /// Builds the pipeline flow. Plug any source of <see cref="RawRecordBatch"/> in front (file, Kafka)
    /// and any sink of <see cref="EventBatch"/> behind it: each batch that comes out carries its deltas,
    /// dead letters and the source checkpoint they account for.
    /// </summary>
    /// <param name="options">Validated options.</param>
    /// <param name="state">The instance's state.</param>
    /// <param name="scorer">Scores candidates.</param>
    /// <param name="metrics">Counters to update.</param>
    /// <param name="time">The wall clock, for validation and idle watermarks.</param>
    /// <param name="hooks">Observers outside the steps (online evaluation, user queries), or null.</param>
    public static Flow<RawRecordBatch, EventBatch, NotUsed> Create(
        PipelineOptions options, PipelineState state, IScorer scorer, PipelineMetrics metrics, TimeProvider time, PipelineHooks? hooks = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scorer);
        options.Validate();
        if (!scorer.FeatureNames.SequenceEqual(FeatureExtractor.FeatureNames))
        {
            throw new ArgumentException(
                $"Scorer '{scorer.Name}' expects features [{string.Join(", ", scorer.FeatureNames)}], but the pipeline extracts [{string.Join(", ", FeatureExtractor.FeatureNames)}].",
                nameof(scorer));
        }

        return Flow.Create<RawRecordBatch>()
            .Via(new EventDecoding(options, state, metrics, time))
            .Async() // decoding runs on its own actor, in parallel with the stateful core
            .Via(new EventTimeTicking(options.RerankTick, metrics, state.Checkpoints))
            .Via(new StatefulCore(() => new StreamCore(options, state, scorer, metrics, hooks?.Observer, hooks?.Queries), metrics, state.Checkpoints)); // the order of the steps is in StreamCore
    }
}
