using System.Buffers;
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
    // One buffer and one writer per thread, reused: sealing is on every audited read and change (BenchmarkDotNet's
    // "Seal one audit entry" row shows what it allocates).
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    [ThreadStatic]
    private static (byte[] Key, HMACSHA256 Mac)? t_mac;

    public static byte[] Compute(byte[] key, AuditEntry entry, long? asSequence = null)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount(); // in case a seal failed half-way on this thread
        buffer.Write(entry.PreviousHash);
        var json = t_json ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);

        json.WriteStartArray();
        json.WriteNumberValue(asSequence ?? entry.Sequence);
        Span<char> timestamp = stackalloc char[27];
        if (!entry.Timestamp.UtcDateTime.TryFormat(timestamp, out var written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("An audit timestamp did not fit its canonical form.");
        }

        json.WriteStringValue(timestamp[..written]);
        WriteNullable(json, entry.ActorId);
        json.WriteStringValue(entry.ActorName);
        json.WriteStringValue(entry.Action);
        json.WriteStringValue(entry.Resource);
        WriteNullable(json, entry.ResourceId);
        if (entry.PatientId is { } patientId)
        {
            Span<char> id = stackalloc char[36];
            patientId.TryFormat(id, out _, "D");
            json.WriteStringValue(id);
        }
        else
        {
            json.WriteNullValue();
        }

        json.WriteStringValue(entry.PatientIds);
        json.WriteStringValue(entry.Changes);
        WriteNullable(json, entry.CorrelationId);
        json.WriteEndArray();
        json.Flush();

        if (t_mac is not { } mac || !ReferenceEquals(mac.Key, key))
        {
            t_mac?.Mac.Dispose();
            t_mac = mac = (key, new HMACSHA256(key));
        }

        var seal = new byte[HMACSHA256.HashSizeInBytes];
        var computed = mac.Mac.TryComputeHash(buffer.WrittenSpan, seal, out _);

        // The canonical form holds the entry's values (changed fields of a patient record among them): leave none of it
        // behind in the reused buffer.
        buffer.Clear();
        if (!computed)
        {
            throw new CryptographicException("The audit seal could not be computed.");
        }

        return seal;
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
