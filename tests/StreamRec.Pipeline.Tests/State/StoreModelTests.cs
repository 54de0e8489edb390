using CsCheck;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Tests.State;

public sealed class StoreModelTests
{
    [Fact]
    public void RoomStore_AnySequenceOfStartsAndStops_LiveSetMatchesASetModel()
    {
        Gen.Select(Gen.Int[0, 20], Gen.Bool).Array[0, 200].Sample(operations =>
        {
            var store = new InMemoryRoomStateStore(4);
            var model = new HashSet<int>();
            foreach (var (room, live) in operations)
            {
                var changed = store.SetLive(room, live);
                var modelChanged = live ? model.Add(room) : model.Remove(room);
                if (changed != modelChanged)
                {
                    return false;
                }
            }

            return store.LiveRooms.Count == model.Count && store.LiveRooms.ToHashSet().SetEquals(model);
        });
    }

    [Fact]
    public void RankingStore_AnySequenceOfLists_HoldersAndSeqMatchADictionaryModel()
    {
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 15].Array[0, 5]).Array[0, 100].Sample(puts =>
        {
            var store = new InMemoryRankingStore();
            var model = new Dictionary<int, (int[] Rooms, long Seq)>();
            foreach (var (user, rooms) in puts)
            {
                var list = rooms.Distinct().ToArray();
                var seq = store.Put(user, list);
                model[user] = (list, model.GetValueOrDefault(user).Seq + 1);
                if (seq != model[user].Seq)
                {
                    return false;
                }
            }

            return Enumerable.Range(0, 16).All(room =>
                store.Holders(room).ToHashSet().SetEquals(model.Where(m => m.Value.Rooms.Contains(room)).Select(m => m.Key)));
        });
    }
}
