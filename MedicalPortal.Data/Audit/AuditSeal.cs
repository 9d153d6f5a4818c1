using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// The canonical form of an entry and its seal: HMAC-SHA256(key, previous hash || canonical JSON of every field but
/// the hashes). The canonical form is fixed field by field, so it is the same on every platform and provider.
/// </summary>
internal static class AuditSeal
{
    public static byte[] Compute(byte[] key, AuditEntry entry, long? asSequence = null)
    {
        using var buffer = new MemoryStream();
        buffer.Write(entry.PreviousHash);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(asSequence ?? entry.Sequence);
            json.WriteStringValue(entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            WriteNullable(json, entry.ActorId);
            json.WriteStringValue(entry.ActorName);
            json.WriteStringValue(entry.Action);
            json.WriteStringValue(entry.Resource);
            WriteNullable(json, entry.ResourceId);
            WriteNullable(json, entry.PatientId?.ToString("D"));
            json.WriteStringValue(entry.PatientIds);
            json.WriteStringValue(entry.Changes);
            WriteNullable(json, entry.CorrelationId);
            json.WriteEndArray();
        }

        return HMACSHA256.HashData(key, buffer.ToArray());
    }

    /// <summary>The head's seal: without the key, nobody can move the head, for instance back over deleted entries.</summary>
    public static byte[] ForHead(byte[] key, long sequence, byte[] hash)
    {
        var data = new byte[5 + sizeof(long) + hash.Length];
        "head:"u8.CopyTo(data);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(5), sequence);
        hash.CopyTo(data, 5 + sizeof(long));
        return HMACSHA256.HashData(key, data);
    }

    /// <summary>Whether the head is the empty chain's, or carries a seal made with the key.</summary>
    public static bool HeadIsGenuine(byte[] key, AuditChainHead head) =>
        head.Sequence == 0
            ? head.Seal.Length == 0 && head.Hash.AsSpan().SequenceEqual(new byte[32])
            : ForHead(key, head.Sequence, head.Hash).AsSpan().SequenceEqual(head.Seal);

    /// <summary>Instants are sealed at microsecond precision, the finest every provider stores exactly.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % 10), TimeSpan.Zero);

    private static void WriteNullable(Utf8JsonWriter json, string? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(value);
        }
    }
}
