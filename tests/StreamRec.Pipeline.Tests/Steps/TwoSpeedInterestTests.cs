using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class TwoSpeedInterestTests
{
    private readonly CoreHarness _h = new();

    public TwoSpeedInterestTests() =>
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "a", "beauty"), Ev.Start(Ev.T0, "b", "books")));

    [Fact]
    public void Apply_TwoClicksOneShortHalfLifeApart_OlderClickWeighsHalfInTheShortTermVector()
    {
        var halfLife = (long)_h.Options.ShortInterestHalfLife.TotalMilliseconds;
        var step = new InterestUpdate(_h.Options, _h.State);
        var user = NewUser();

        step.Apply(Ev.Record(_h.State, Ev.Click(Ev.T0, "u1", "a")), user);
        step.Apply(Ev.Record(_h.State, Ev.Click(Ev.T0 + halfLife, "u1", "b")), user);

        // Cold rooms: the room vector is the category vector, so s = 0.5 * c(beauty) + 1 * c(books).
        var beauty = Category("beauty");
        var books = Category("books");
        var longFactor = Decay.Factor(Ev.T0, Ev.T0 + halfLife, _h.Options.InterestHalfLife);
        for (var i = 0; i < user.ShortInterest.Length; i++)
        {
            Assert.Equal((0.5 * beauty[i]) + books[i], user.ShortInterest[i], 5);
            Assert.Equal((longFactor * beauty[i]) + books[i], user.Interest[i], 5);
        }
    }

    [Fact]
    public void Apply_EventOlderThanTheLatest_IsAddedWithoutUndecayingTheShortTermVector()
    {
        var step = new InterestUpdate(_h.Options, _h.State);
        var user = NewUser();

        step.Apply(Ev.Record(_h.State, Ev.Click(Ev.T0 + 60_000, "u1", "a")), user);
        step.Apply(Ev.Record(_h.State, Ev.Click(Ev.T0, "u1", "b")), user);

        var beauty = Category("beauty");
        var books = Category("books");
        for (var i = 0; i < user.ShortInterest.Length; i++)
        {
            Assert.Equal(beauty[i] + books[i], user.ShortInterest[i], 5);
        }

        Assert.Equal(Ev.T0 + 60_000, user.InterestTs);
    }

    [Fact]
    public void Apply_TasteChangesAfterHours_ShortTermFollowsWithinMinutesWhileLongTermLags()
    {
        var step = new InterestUpdate(_h.Options, _h.State);
        var user = NewUser();

        // Three hours of beauty, a click a minute, then books from t = 3 h on.
        var t = Ev.T0;
        for (var minute = 0; minute < 180; minute++, t += 60_000)
        {
            step.Apply(Ev.Record(_h.State, Ev.Click(t, "u1", "a")), user);
        }

        // At equal rates the new taste outweighs the old one after one short half-life (15 min).
        for (var minute = 0; minute < 20; minute++, t += 60_000)
        {
            step.Apply(Ev.Record(_h.State, Ev.Click(t, "u1", "b")), user);
        }

        var beauty = Category("beauty");
        var books = Category("books");
        Assert.True(Vectors.Cosine(user.ShortInterest, books) > Vectors.Cosine(user.ShortInterest, beauty), "short-term follows the drift within 20 minutes");
        Assert.True(Vectors.Cosine(user.Interest, beauty) > Vectors.Cosine(user.Interest, books), "long-term still leans to the old taste");
    }

    [Fact]
    public void PrepareUser_SessionIdleForAnHour_ShortTermFeaturesFadeButKeepTheirSign()
    {
        var step = new InterestUpdate(_h.Options, _h.State);
        var user = NewUser();
        for (var i = 0; i < 5; i++)
        {
            step.Apply(Ev.Record(_h.State, Ev.Click(Ev.T0 + (i * 1_000), "u1", "b")), user);
        }

        var features = new FeatureExtractor(_h.Options, _h.State);
        var context = new UserContext(_h.Options.VectorDimensions);
        var books = _h.State.Ids.Categories.Find("books");

        features.PrepareUser(user, Ev.T0 + 4_000, context);
        var fresh = (context.ShortStrength, context.ShortCategoryMatch(books));
        features.PrepareUser(user, Ev.T0 + 4_000 + (long)TimeSpan.FromHours(1).TotalMilliseconds, context);
        var idle = (context.ShortStrength, context.ShortCategoryMatch(books));

        // Five clicks in one direction: m = 5, strength 5/6; four half-lives later m = 5/16.
        Assert.Equal(5.0 / 6.0, fresh.Item1, 3);
        Assert.Equal(fresh.Item1, fresh.Item2, 3);
        Assert.Equal(5.0 / 21.0, idle.Item1, 3);
        Assert.True(idle.Item2 is > 0 and < 0.3f, $"{idle.Item2}");
    }

    [Fact]
    public void Core_UserEvents_ShortTermInterestIsStoredAndReadBack()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 10, "u1", "a")));
        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 20, "u2", "b")));

        var stored = _h.UserState("u1");
        Assert.NotNull(stored);
        Assert.True(Vectors.Cosine(stored.ShortInterest, Category("beauty")) > 0.99);
    }

    [Fact]
    public void Validate_ShortHalfLifeAboveTheLongOne_IsRefused()
    {
        var options = new PipelineOptions { ShortInterestHalfLife = TimeSpan.FromHours(7) };

        var ex = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains("ShortInterestHalfLife", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => (options with { ShortInterestHalfLife = TimeSpan.Zero }).Validate());
    }

    private float[] Category(string name) => new RoomVectors(_h.Options, _h.State).Category(_h.State.Ids.Categories.Find(name)).ToArray();

    private UserState NewUser() => new(_h.Options.VectorDimensions, _h.Options.MaxAffinities, _h.Options.TopK + _h.Options.RankedRunnersUp);
}
