namespace StreamRec.Simulation.Tests;

public sealed class FenwickTreeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1000)]
    public void Find_AfterRandomUpdates_MatchesALinearScanOfTheWeights(int size)
    {
        var random = new DeterministicRandom((ulong)size);
        var tree = new FenwickTree(size);
        var weights = new long[size];
        for (var step = 0; step < 20 * size; step++)
        {
            var i = random.Next(size);
            var delta = weights[i] > 0 && random.Chance(0.5) ? -weights[i] : 1 + random.Next(1000);
            weights[i] += delta;
            tree.Add(i, delta);
        }

        Assert.Equal(weights.Sum(), tree.Total);
        for (var probe = 0; probe < 200 && tree.Total > 0; probe++)
        {
            var target = (long)(random.NextDouble() * tree.Total);
            Assert.Equal(LinearFind(weights, target), tree.Find(target));
        }
    }

    [Fact]
    public void Find_EveryTarget_LandsOnANonZeroWeight()
    {
        var tree = new FenwickTree(6);
        long[] weights = [0, 3, 0, 0, 2, 0];
        for (var i = 0; i < weights.Length; i++)
        {
            tree.Add(i, weights[i]);
        }

        var found = Enumerable.Range(0, (int)tree.Total).Select(t => tree.Find(t)).ToArray();

        Assert.Equal([1, 1, 1, 4, 4], found);
    }

    private static int LinearFind(long[] weights, long target)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            target -= weights[i];
            if (target < 0)
            {
                return i;
            }
        }

        return -1;
    }
}
