using System.Globalization;
using MedicalPortal.Core.Sharding;

namespace MedicalPortal.Core.Tests.Sharding;

public sealed class BucketRangeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void SplitEvenly_ShardCount_CoversEveryBucketExactlyOnce(int shardCount)
    {
        // Arrange
        var shards = ShardNames(shardCount);
        var owners = new int[Buckets.Count];

        // Act
        var ranges = BucketRange.SplitEvenly(shards);

        // Assert
        foreach (var range in ranges)
        {
            for (var bucket = range.First; bucket <= range.Last; bucket++)
            {
                owners[bucket]++;
            }
        }

        Assert.All(owners, count => Assert.Equal(1, count));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void SplitEvenly_ShardCount_GivesContiguousRangesInShardOrderDifferingByAtMostOne(int shardCount)
    {
        // Arrange
        var shards = ShardNames(shardCount);

        // Act
        var ranges = BucketRange.SplitEvenly(shards);

        // Assert
        Assert.Equal(shards, ranges.Select(r => r.Shard));
        Assert.Equal(0, ranges[0].First);
        Assert.Equal(Buckets.Count - 1, ranges[^1].Last);
        Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.Equal(pair.First.Last + 1, pair.Second.First));
        var sizes = ranges.Select(r => r.Last - r.First + 1).ToList();
        Assert.InRange(sizes.Max() - sizes.Min(), 0, 1);
        Assert.Equal(Buckets.Count, sizes.Sum());
    }

    [Fact]
    public void SplitEvenly_NoShards_Throws()
    {
        // Act, Assert
        Assert.Throws<ArgumentException>(() => BucketRange.SplitEvenly([]));
    }

    [Fact]
    public void Contains_BucketsAroundTheRange_IsTrueOnlyInsideInclusively()
    {
        // Arrange
        var range = new BucketRange(10, 20, "shard");

        // Act, Assert
        Assert.False(range.Contains(9));
        Assert.True(range.Contains(10));
        Assert.True(range.Contains(15));
        Assert.True(range.Contains(20));
        Assert.False(range.Contains(21));
    }

    private static string[] ShardNames(int count) =>
        Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"shard-{i}")).ToArray();
}
