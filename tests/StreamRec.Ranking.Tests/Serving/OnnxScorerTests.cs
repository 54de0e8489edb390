using Microsoft.Extensions.Time.Testing;
using StreamRec.Model.Manifest;
using StreamRec.Ranking.Serving;

namespace StreamRec.Ranking.Tests.Serving;

public sealed class OnnxScorerTests(TwoModelsFixture models) : IClassFixture<TwoModelsFixture>, IDisposable
{
    private const int UnconfirmedFailure = 4005;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Constructor_ManifestListsOtherFeatures_RefusesNamingTheModelAndTheFix()
    {
        var path = _directory.File("ranker.onnx");
        TwoModelsFixture.Install(models.Reordered, path);

        var error = Assert.Throws<ModelManifestMismatchException>(() => new OnnxScorer(path, Polling(), new FakeTimeProvider()));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("trained for other features than this pipeline extracts", error.Message, StringComparison.Ordinal);
        Assert.Contains("at position 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ModelAndManifestFromDifferentTrainings_Refuses()
    {
        var path = _directory.File("ranker.onnx");
        TwoModelsFixture.Install(models.ModelA, path);
        File.Copy(ModelManifest.PathForModel(models.ModelB), ModelManifest.PathForModel(path), overwrite: true);

        var error = Assert.ThrowsAny<IOException>(() => new OnnxScorer(path, Polling(), new FakeTimeProvider()));

        Assert.Contains("'model-a' but its manifest describes version 'model-b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_ModelFileReplacedAndPolled_ScoresWithTheNewModelAfterTheSwap()
    {
        var path = _directory.File("ranker.onnx");
        TwoModelsFixture.Install(models.ModelA, path);
        var time = new FakeTimeProvider();
        using var scorer = new OnnxScorer(path, Polling(), time);
        var swapped = Next<ModelSwappedEventArgs>(h => scorer.ModelSwapped += h);
        Assert.Equal(models.ExpectedA, Score(scorer));

        TwoModelsFixture.Install(models.ModelB, path);
        time.Advance(Poll);
        var swap = await swapped.WaitAsync(Patience);

        Assert.Equal(("model-a", "model-b"), (swap.Previous.ModelVersion, swap.Current.ModelVersion));
        Assert.Equal("model-b", scorer.Manifest.ModelVersion);
        Assert.Equal(models.ExpectedB, Score(scorer));
    }

    [Fact]
    public async Task Score_ModelFileReplacedAndWatched_SwapsWithoutPolling()
    {
        var path = _directory.File("ranker.onnx");
        TwoModelsFixture.Install(models.ModelA, path);
        using var scorer = new OnnxScorer(path, new OnnxScorerOptions { PollInterval = Timeout.InfiniteTimeSpan, WatchFileSystem = true }, new FakeTimeProvider());
        var swapped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        scorer.ModelSwapped += (_, e) =>
        {
            if (e.Current.ModelVersion == "model-b")
            {
                swapped.TrySetResult();
            }
        };

        TwoModelsFixture.Install(models.ModelB, path);
        await swapped.Task.WaitAsync(Patience);

        Assert.Equal(models.ExpectedB, Score(scorer));
    }

    [Fact]
    public async Task Score_SwapDuringBackToBackRounds_EachCallSeesExactlyOneModel()
    {
        var path = _directory.File("ranker.onnx");
        TwoModelsFixture.Install(models.ModelA, path);
        var time = new FakeTimeProvider();
        using var scorer = new OnnxScorer(path, Polling(), time);
        var swapped = Next<ModelSwappedEventArgs>(h => scorer.ModelSwapped += h);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<char>();

        // The scoring loop plays the pipeline: rounds back to back on one thread while the swap happens on another.
        var rounds = Task.Run(() =>
        {
            var scores = new float[TwoModelsFixture.Rows];
            while (seen.Count == 0 || seen[^1] != 'B')
            {
                scorer.Score(models.Features, TwoModelsFixture.Rows, scores);
                seen.Add(scores.SequenceEqual(models.ExpectedA) ? 'A' : scores.SequenceEqual(models.ExpectedB) ? 'B' : 'x');
                started.TrySetResult();
                if (seen[^1] == 'x')
                {
                    break;
                }
            }
        });
        await started.Task.WaitAsync(Patience);
        TwoModelsFixture.Install(models.ModelB, path);
        time.Advance(Poll);
        await swapped.WaitAsync(Patience);
        await rounds.WaitAsync(Patience);

        var sequence = new string([.. seen]);
        Assert.Matches("^A+B$", sequence);
    }

    [Fact]
    public async Task Reload_CorruptReplacement_KeepsScoringWithTheOldModelAndReportsWhy()
    {
        var path = _directory.File("ranker.onnx");
        TwoModelsFixture.Install(models.ModelA, path);
        var time = new FakeTimeProvider();
        var log = new LogSignal<OnnxScorer>(UnconfirmedFailure);
        using var scorer = new OnnxScorer(path, Polling(), time, log);
        var failed = Next<ModelLoadFailedEventArgs>(h => scorer.ModelLoadFailed += h);

        File.WriteAllBytes(path, [0x08, 0x01, 0xFF, 0xFF, 0x13, 0x37]);
        var unconfirmed = log.Next();
        time.Advance(Poll);
        await unconfirmed.WaitAsync(Patience);
        Assert.False(failed.IsCompleted);
        time.Advance(Poll);
        var failure = await failed.WaitAsync(Patience);

        Assert.NotNull(failure.Error);
        Assert.Equal("model-a", scorer.Manifest.ModelVersion);
        Assert.Equal(models.ExpectedA, Score(scorer));

        var swapped = Next<ModelSwappedEventArgs>(h => scorer.ModelSwapped += h);
        TwoModelsFixture.Install(models.ModelB, path);
        time.Advance(Poll);
        await swapped.WaitAsync(Patience);
        Assert.Equal(models.ExpectedB, Score(scorer));
    }

    [Fact]
    public async Task Reload_ModelReplacedBeforeItsManifest_WaitsForBothWithoutFailing()
    {
        var path = _directory.File("ranker.onnx");
        TwoModelsFixture.Install(models.ModelA, path);
        var time = new FakeTimeProvider();
        using var scorer = new OnnxScorer(path, Polling(), time);
        var failures = 0;
        scorer.ModelLoadFailed += (_, _) => Interlocked.Increment(ref failures);
        var swapped = Next<ModelSwappedEventArgs>(h => scorer.ModelSwapped += h);

        TwoModelsFixture.Install(models.ModelB, path, withManifest: false);
        time.Advance(Poll);
        File.Copy(ModelManifest.PathForModel(models.ModelB), ModelManifest.PathForModel(path), overwrite: true);
        File.SetLastWriteTimeUtc(ModelManifest.PathForModel(path), DateTime.UtcNow);
        time.Advance(Poll);
        var swap = await swapped.WaitAsync(Patience);

        Assert.Equal("model-b", swap.Current.ModelVersion);
        Assert.Equal(models.ExpectedB, Score(scorer));
        Assert.Equal(0, Volatile.Read(ref failures));
    }

    [Fact]
    public async Task Reload_CopyStalledMidWriteAtAPoll_WaitsForTheRestWithoutFailing()
    {
        var path = _directory.File("ranker.onnx");
        TwoModelsFixture.Install(models.ModelA, path);
        var time = new FakeTimeProvider();
        var log = new LogSignal<OnnxScorer>(UnconfirmedFailure);
        using var scorer = new OnnxScorer(path, Polling(), time, log);
        var failures = 0;
        scorer.ModelLoadFailed += (_, _) => Interlocked.Increment(ref failures);
        var swapped = Next<ModelSwappedEventArgs>(h => scorer.ModelSwapped += h);

        // What a poll sees when it falls inside a plain copy of model B that has stopped for a moment.
        var whole = File.ReadAllBytes(models.ModelB);
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        var unconfirmed = log.Next();
        time.Advance(Poll);
        await unconfirmed.WaitAsync(Patience);
        TwoModelsFixture.Install(models.ModelB, path);
        time.Advance(Poll);
        var swap = await swapped.WaitAsync(Patience);

        Assert.Equal("model-b", swap.Current.ModelVersion);
        Assert.Equal(models.ExpectedB, Score(scorer));
        Assert.Equal(0, Volatile.Read(ref failures));
    }

    private static OnnxScorerOptions Polling() => new() { PollInterval = Poll, WatchFileSystem = false };

    private float[] Score(OnnxScorer scorer)
    {
        var scores = new float[TwoModelsFixture.Rows];
        scorer.Score(models.Features, TwoModelsFixture.Rows, scores);
        return scores;
    }

    /// <summary>The next event raised through <paramref name="subscribe"/>.</summary>
    private static Task<T> Next<T>(Action<EventHandler<T>> subscribe)
    {
        var next = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, e) => next.TrySetResult(e));
        return next.Task;
    }
}
