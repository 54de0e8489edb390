namespace StreamRec.Simulation.Tests;

/// <summary>
/// Each realism knob does what it says on a small world, measured against the same world with the knob off
/// where that is the clearest comparison.
/// </summary>
public sealed class RealismTests(TruthWorld world) : IClassFixture<TruthWorld>
{
    private const long Minute = 60_000;
    private static readonly SimulationOptions Small = new() { Users = 2000, Rooms = 200, Duration = TimeSpan.FromHours(3), Seed = 5 };

    [Fact]
    public void Drift_AboutTheConfiguredShareOfViewers()
    {
        Assert.InRange((double)world.Drifts / TruthWorld.Options.Users, 0.22, 0.28);
    }

    [Fact]
    public void Drift_MovesDriftedViewersToOtherCategories()
    {
        // Share of a viewer's later visits in a category it had visited before: lower after a drift than for viewers
        // whose taste stayed, split at the middle of the span.
        var middle = TruthWorld.Options.Start.ToUnixTimeMilliseconds() + ((long)TruthWorld.Options.Duration.TotalMilliseconds / 2);
        var drifted = world.Visits.Where(v => v.Truth.Drifted).Select(v => v.Click.Subject).ToHashSet();
        var before = new Dictionary<int, HashSet<int>>();
        double[] same = [0, 0];
        double[] all = [0, 0];
        foreach (var (click, truth) in world.Visits.Where(v => !v.Truth.Notified))
        {
            var category = world.Rooms.CategoryOf(click.Room);
            var isDrifted = drifted.Contains(click.Subject);
            var early = isDrifted ? !truth.Drifted : click.Ts < middle;
            if (early)
            {
                (before.TryGetValue(click.Subject, out var set) ? set : before[click.Subject] = []).Add(category);
            }
            else if (before.TryGetValue(click.Subject, out var seen))
            {
                var group = isDrifted ? 1 : 0;
                all[group]++;
                same[group] += seen.Contains(category) ? 1 : 0;
            }
        }

        var stayed = same[0] / all[0];
        var moved = same[1] / all[1];
        Assert.True(moved < stayed - 0.1, $"{moved:P1} of drifted viewers' later visits in a category seen before, {stayed:P1} of the others'");
    }

    [Fact]
    public void SubGenres_ConcentrateWhatAViewerExploresWithinACategory()
    {
        var withAffinity = SameSubGenreShare(Small with { Rooms = 400 });
        var without = SameSubGenreShare(Small with { Rooms = 400, SubGenreAffinity = 1 });

        Assert.True(withAffinity > without + 0.1, $"same sub-genre for {withAffinity:P1} of pairs with the affinity, {without:P1} without");
    }

    [Fact]
    public void Sessions_FollowUpVisitsStayInTheCategory()
    {
        var withSessions = QuickSameCategoryShare(Small, out var quick);
        var without = QuickSameCategoryShare(Small with { SessionContinue = 0 }, out var quickWithout);

        Assert.True(quick > 1.5 * quickWithout, $"{quick} visits to new streamers within 5 minutes of the one before with sessions, {quickWithout} without");
        Assert.True(withSessions > 0.6 && withSessions > without + 0.2, $"{withSessions:P1} of them in the same category with sessions, {without:P1} without");
    }

    [Fact]
    public void IntentComments_ComeBeforePurchasesMoreOftenThanChatter()
    {
        // Per comment: does the same viewer buy in the same room within ten minutes after it?
        var purchases = world.Events.Where(e => e.Kind == WorldEventKind.Purchase).ToLookup(e => (e.Subject, e.Room), e => e.Ts);
        double[] bought = [0, 0];
        double[] comments = [0, 0];
        foreach (var c in world.Events.Where(e => e.Kind == WorldEventKind.Comment))
        {
            var kind = Vocabulary.IsIntent(c.Data) ? 1 : 0;
            comments[kind]++;
            bought[kind] += purchases[(c.Subject, c.Room)].Any(t => t > c.Ts && t <= c.Ts + (10 * Minute)) ? 1 : 0;
        }

        var intent = bought[1] / comments[1];
        var chatter = bought[0] / comments[0];
        Assert.True(comments[1] > 200 && comments[0] > 200, $"{comments[1]} intent and {comments[0]} chatter comments");
        Assert.True(intent > 2 * chatter, $"a purchase followed {intent:P1} of intent comments and {chatter:P1} of chatter");
    }

    [Fact]
    public void IntentComments_MoreLikelyInRoomsThatFitTheViewer()
    {
        // The world's own fit of viewer and room (category, sub-genre, price), for viewers whose taste never changed.
        double[] intent = [0, 0];
        double[] comments = [0, 0];
        foreach (var c in world.Events.Where(e => e.Kind == WorldEventKind.Comment && !world.Viewers.HasDrifted(e.Subject)))
        {
            var fits = world.Viewers.Match(c.Subject, world.Rooms.BucketOf(c.Room)) >= 0.5 ? 1 : 0;
            comments[fits]++;
            intent[fits] += Vocabulary.IsIntent(c.Data) ? 1 : 0;
        }

        Assert.True(intent[1] / comments[1] > (intent[0] / comments[0]) + 0.25, $"intent share {intent[1] / comments[1]:P1} in rooms that fit, {intent[0] / comments[0]:P1} in the others");
    }

    [Fact]
    public void Comments_AreEnglishAndChinese_ManyPhrasingsOfEachKind()
    {
        Assert.True(Vocabulary.Intent.Length >= 20 && Vocabulary.Chatter.Length >= 15);
        Assert.Contains(Vocabulary.Intent, t => t.Any(ch => ch > 0x4e00));
        Assert.Contains(Vocabulary.Chatter, t => t.Any(ch => ch > 0x4e00));
        Assert.Empty(Vocabulary.Intent.Intersect(Vocabulary.Chatter));
    }

    private static double SameSubGenreShare(SimulationOptions options)
    {
        var (events, _, rooms, _) = TruthWorld.Run(options, truth: false);
        var buckets = rooms.Buckets;
        var pairs = 0.0;
        var same = 0.0;
        foreach (var viewer in events.Where(e => e.Kind == WorldEventKind.Click).GroupBy(e => e.Subject))
        {
            var streamers = viewer.Select(e => e.Room).Select(r => (rooms.StreamerOf(r), rooms.BucketOf(r))).Distinct().ToList();
            for (var i = 0; i < streamers.Count; i++)
            {
                for (var j = i + 1; j < streamers.Count; j++)
                {
                    if (buckets.CategoryOf(streamers[i].Item2) == buckets.CategoryOf(streamers[j].Item2))
                    {
                        pairs++;
                        same += buckets.SubGenreOf(streamers[i].Item2) == buckets.SubGenreOf(streamers[j].Item2) ? 1 : 0;
                    }
                }
            }
        }

        return same / pairs;
    }

    /// <summary>Visits to a streamer new to the viewer within 5 minutes of its visit before: how many, and how many in the same category.</summary>
    private static double QuickSameCategoryShare(SimulationOptions options, out int quick)
    {
        var (_, visits, rooms, _) = TruthWorld.Run(options);
        var last = new Dictionary<int, WorldEvent>();
        var seen = new HashSet<(int, int)>();
        quick = 0;
        var same = 0;
        foreach (var (click, truth) in visits)
        {
            var isNew = seen.Add((click.Subject, rooms.StreamerOf(click.Room)));
            if (isNew && !truth.Notified && last.TryGetValue(click.Subject, out var before) && click.Ts - before.Ts < 5 * Minute)
            {
                quick++;
                same += rooms.CategoryOf(click.Room) == rooms.CategoryOf(before.Room) ? 1 : 0;
            }

            last[click.Subject] = click;
        }

        return (double)same / quick;
    }
}
