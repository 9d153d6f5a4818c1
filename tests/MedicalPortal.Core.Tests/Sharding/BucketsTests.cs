using System.Buffers.Binary;
using MedicalPortal.Core.Sharding;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Core.Tests.Sharding;

public sealed class BucketsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ForPatient_ManyIds_IsWithinTheBucketCount()
    {
        // Arrange
        var clock = new FakeTimeProvider(Start);
        var ids = Enumerable.Range(0, 10_000).Select(_ => NextId(clock)).Append(Guid.Empty).Append(Guid.AllBitsSet);

        // Act
        var buckets = ids.Select(Buckets.ForPatient).ToList();

        // Assert
        Assert.Equal(4096, Buckets.Count);
        Assert.All(buckets, bucket => Assert.InRange(bucket, 0, Buckets.Count - 1));
    }

    [Fact]
    public void ForPatient_SameIdAgainOrReparsed_GivesTheSameBucket()
    {
        // Arrange
        var id = Guid.CreateVersion7(Start);
        var reparsed = Guid.Parse(id.ToString());

        // Act
        var first = Buckets.ForPatient(id);
        var second = Buckets.ForPatient(id);
        var third = Buckets.ForPatient(reparsed);

        // Assert
        Assert.Equal(first, second);
        Assert.Equal(first, third);
    }

    // Golden values computed outside .NET, so that a change of hash, seed or byte order (which would silently move
    // every patient to another shard) fails here: a from-scratch Python 3 XXH64 (seed 0, primes 0x9E3779B185EBCA87,
    // 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5), checked against the reference
    // vectors XXH64("") = EF46DB3751D8E999, XXH64("a") = D24EC4F1A98C6E5B, XXH64("abc") = 44BC2CF5AD770999, applied
    // to uuid.UUID(s).bytes (RFC 9562 big-endian order, i.e. the hex digits in string order), then mod 4096.
    // The trailing comment is what the little-endian Guid.ToByteArray() order would give instead.
    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000", 3122)] // hash AF09F71516247C32
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff", 1092)] // hash A721445D6A57C444
    [InlineData("01234567-89ab-cdef-0123-456789abcdef", 1521)] // little-endian order would give 2132
    [InlineData("0192f4a0-7b3c-7def-8a12-3456789abcde", 3191)] // little-endian order would give 3230
    [InlineData("018f1e2a-4b5c-7d6e-9f80-112233445566", 3750)] // little-endian order would give 1952
    [InlineData("6ba7b810-9dad-11d1-80b4-00c04fd430c8", 3331)] // little-endian order would give 1382
    public void ForPatient_KnownId_MatchesIndependentlyComputedBucket(string id, int expected)
    {
        // Act
        var bucket = Buckets.ForPatient(Guid.Parse(id));

        // Assert
        Assert.Equal(expected, bucket);
    }

    [Fact]
    public void ForPatient_100000Version7Ids_SpreadEvenlyOverBucketsAndTwoShards()
    {
        // Arrange
        const int Ids = 100_000;
        var clock = new FakeTimeProvider(Start);
        var perBucket = new int[Buckets.Count];
        var ranges = BucketRange.SplitEvenly(["shard-a", "shard-b"]);
        var perShard = new int[ranges.Count];

        // Act
        for (var i = 0; i < Ids; i++)
        {
            var bucket = Buckets.ForPatient(NextId(clock));
            perBucket[bucket]++;
            perShard[IndexOfRange(ranges, bucket)]++;
        }

        // Assert: each shard within 48..52 %, and a chi-square over all buckets far below what a skewed hash gives
        // (expected about 4095 with a standard deviation of about 90; the bound is six deviations above).
        Assert.Equal(Ids, perShard.Sum());
        Assert.All(perShard, count => Assert.InRange((double)count / Ids, 0.48, 0.52));
        var expectedPerBucket = (double)Ids / Buckets.Count;
        var chiSquare = perBucket.Sum(observed => Math.Pow(observed - expectedPerBucket, 2) / expectedPerBucket);
        Assert.True(
            chiSquare < Buckets.Count + (6 * Math.Sqrt(2.0 * Buckets.Count)),
            $"Chi-square over {Buckets.Count} buckets is {chiSquare:F0}.");
        Assert.DoesNotContain(0, perBucket);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2048)]
    [InlineData(4094)]
    [InlineData(4095)]
    public void NewRecordId_Bucket_RoundTripsThroughOfRecordId(int bucket)
    {
        // Act
        var id = Buckets.NewRecordId(bucket, Start);

        // Assert
        Assert.Equal(bucket, Buckets.OfRecordId(id));
    }

    [Fact]
    public void NewRecordId_RandomBuckets_RoundTripAndStayVersion7WithRfcVariant()
    {
        // Arrange
        var clock = new FakeTimeProvider(Start);
        var random = new Random(20260315);
        var buckets = Enumerable.Range(0, 5000).Select(_ => random.Next(Buckets.Count)).ToList();

        // Act
        var ids = buckets.Select(bucket =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            return (Bucket: bucket, Id: Buckets.NewRecordId(bucket, clock.GetUtcNow()));
        }).ToList();

        // Assert
        Assert.All(ids, pair =>
        {
            Assert.Equal(pair.Bucket, Buckets.OfRecordId(pair.Id));
            Assert.Equal(7, pair.Id.Version);
            Assert.Equal(0b1000, pair.Id.Variant & 0b1100); // RFC 9562 variant: the top two bits are 10
            Assert.Equal('7', pair.Id.ToString()[14]);
        });
    }

    [Fact]
    public void NewRecordId_GivenTime_IsTheUnixMillisecondTimestampOfTheId()
    {
        // Arrange
        var now = Start.AddMilliseconds(123);
        Span<byte> bytes = stackalloc byte[16];

        // Act
        var id = Buckets.NewRecordId(4095, now);

        // Assert
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        var timestamp = (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
        Assert.Equal(now.ToUnixTimeMilliseconds(), timestamp);
    }

    [Fact]
    public void NewRecordId_LaterTimes_AreOrderedByTimeWhateverTheBucket()
    {
        // Arrange: descending buckets, so an order that came from the bucket bits would come out reversed.
        var clock = new FakeTimeProvider(Start);
        var ids = new List<Guid>();

        // Act
        for (var bucket = Buckets.Count - 1; bucket >= 0; bucket -= 7)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            ids.Add(Buckets.NewRecordId(bucket, clock.GetUtcNow()));
        }

        // Assert
        Assert.True(ids.Count > 500);
        Assert.Equal(ids, ids.Order());
        Assert.Equal(ids.Select(i => i.ToString()), ids.Select(i => i.ToString()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4096)]
    [InlineData(int.MaxValue)]
    public void NewRecordId_BucketOutsideTheRange_Throws(int bucket)
    {
        // Act, Assert
        Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.NewRecordId(bucket, Start));
    }

    private static Guid NextId(FakeTimeProvider clock)
    {
        clock.Advance(TimeSpan.FromMilliseconds(1));
        return Guid.CreateVersion7(clock.GetUtcNow());
    }

    private static int IndexOfRange(IReadOnlyList<BucketRange> ranges, int bucket)
    {
        for (var i = 0; i < ranges.Count; i++)
        {
            if (ranges[i].Contains(bucket))
            {
                return i;
            }
        }

        throw new InvalidOperationException("No range holds the bucket.");
    }
}
