using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Tests.Patients;
using MedicalPortal.Core.Tests.Visits;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Tests.Sharding;

public sealed class ShardMapExtensionsTests
{
    [Fact]
    public void ShardForRecord_VisitOfAPatient_IsThePatientsShard()
    {
        // Arrange
        var map = new RangeShardMap(BucketRange.SplitEvenly(["shard-a", "shard-b", "shard-c"]));
        var patientIds = Enumerable.Range(0, 300).Select(i => Guid.CreateVersion7(TestPatients.Now.AddMilliseconds(i))).ToList();

        // Act
        var pairs = patientIds
            .Select(id => (Patient: map.ShardForPatient(id),
                Visit: map.ShardForRecord(Visit.Record(id, new DateOnly(1980, 1, 2), TestVisits.ValidInput(), TestPatients.Now).Id)))
            .ToList();

        // Assert
        Assert.All(pairs, pair => Assert.Equal(pair.Patient, pair.Visit));
        Assert.Equal(3, pairs.Select(p => p.Patient).Distinct(StringComparer.Ordinal).Count());
    }

    private sealed class RangeShardMap(IReadOnlyList<BucketRange> ranges) : IShardMap
    {
        public IReadOnlyList<string> Shards => ranges.Select(r => r.Shard).Distinct(StringComparer.Ordinal).ToList();

        public IReadOnlyList<BucketRange> Ranges => ranges;

        public string ShardForBucket(int bucket) => ranges.Single(r => r.Contains(bucket)).Shard;
    }
}
