using System.Buffers.Binary;
using System.IO.Hashing;

namespace MedicalPortal.Core.Sharding;

/// <summary>
/// Data placement: a patient lives in bucket <c>XxHash64(id bytes) mod 4096</c>, and the catalog maps bucket ranges
/// to shards. The hash is over the id's RFC 9562 (big-endian) bytes, so any process, any platform and any language
/// computes the same bucket; <see cref="object.GetHashCode"/> would differ per process.
/// Records that belong to a patient (visits, enrollments) carry the patient's bucket in the low 12 bits of their own
/// version 7 id, so a visit is routed by its id alone, without a lookup or a fan-out.
/// </summary>
public static class Buckets
{
    public const int Count = 4096;

    private const int BucketBits = 12;
    private const ushort BucketMask = (1 << BucketBits) - 1;

    public static int ForPatient(Guid patientId)
    {
        Span<byte> bytes = stackalloc byte[16];
        patientId.TryWriteBytes(bytes, bigEndian: true, out _);
        return (int)(XxHash64.HashToUInt64(bytes) % Count);
    }

    /// <summary>A new version 7 id for a record of the patient in <paramref name="bucket"/>, carrying that bucket.</summary>
    public static Guid NewRecordId(int bucket, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, Count);

        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7(now).TryWriteBytes(bytes, bigEndian: true, out _);

        // Bytes 14-15 are random in a version 7 id (rand_b); the version and variant bits sit elsewhere.
        var tail = BinaryPrimitives.ReadUInt16BigEndian(bytes[14..]);
        tail = (ushort)((tail & ~BucketMask) | bucket);
        BinaryPrimitives.WriteUInt16BigEndian(bytes[14..], tail);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The bucket a record id made by <see cref="NewRecordId"/> belongs to.</summary>
    public static int OfRecordId(Guid recordId)
    {
        Span<byte> bytes = stackalloc byte[16];
        recordId.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt16BigEndian(bytes[14..]) & BucketMask;
    }
}
