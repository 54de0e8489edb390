using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.State;

/// <summary>A store written by the previous version is read by this one.</summary>
public sealed class UserStoreCompatibilityTests
{
    [Fact]
    public void Core_UserStoredAsVersion1_KeepsItsStateAndIsRewrittenAsVersion2()
    {
        var h = new CoreHarness();
        h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "r1", "beauty"), Ev.Start(Ev.T0, "r2", "books")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + 10, "u1", "r1"), Ev.Click(Ev.T0 + 20, "u1", "r1")));
        var before = h.UserState("u1")!;
        var interest = before.Interest.ToArray();
        var store = h.PartitionOf("u1").Users.Store;
        var buffer = new byte[UserStateCodec.MaxSize(h.Options.VectorDimensions, h.Options.MaxAffinities, h.Options.TopK + h.Options.RankedRunnersUp)];
        store.Put("u1"u8, buffer.AsSpan(0, UserStateCodec.Encode(before, buffer, UserStateCodec.Version1)));
        store.Commit();

        var restored = h.UserState("u1")!;
        Assert.Equal(interest, restored.Interest);
        Assert.All(restored.ShortInterest, x => Assert.Equal(0f, x));

        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + 70_000, "u1", "r2")));

        var after = h.UserState("u1")!;
        var streamer = h.State.Ids.Streamers.Find("s-r1");
        Assert.Equal(2, after.AffinityOf(streamer).Value, 2);
        Assert.True(Vectors.Cosine(after.ShortInterest, after.Interest) < 0.99, "the session vector starts from the new event");
        var written = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.True(store.TryGet("u1"u8, written));
        Assert.Equal(UserStateCodec.Version, written.WrittenSpan[0]);
    }
}
