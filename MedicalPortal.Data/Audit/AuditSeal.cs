using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// The canonical form of an entry and its seal: HMAC-SHA256(key, previous hash || canonical JSON of every field but
/// the hashes). The canonical form is fixed field by field, so it is the same on every platform and provider.
/// </summary>
internal static class AuditSeal
{
    private static ReadOnlySpan<byte> HeadPrefix => "head-of:"u8;

    private static ReadOnlySpan<byte> AnchorPrefix => "anchor-of:"u8;

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

    /// <summary>
    /// The head's seal, naming the database the head belongs to: without the key nobody can move the head (back over
    /// deleted entries, say), and a head copied from another database's chain does not verify in this one.
    /// </summary>
    public static byte[] ForHead(byte[] key, string database, long sequence, byte[] hash)
    {
        var name = Encoding.UTF8.GetBytes(DatabaseKey(database));
        var data = new byte[HeadPrefix.Length + name.Length + 1 + sizeof(long) + hash.Length];
        HeadPrefix.CopyTo(data);
        name.CopyTo(data, HeadPrefix.Length);
        var at = HeadPrefix.Length + name.Length + 1; // a zero byte ends the name, which never holds one
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(at), sequence);
        hash.CopyTo(data, at + sizeof(long));
        return HMACSHA256.HashData(key, data);
    }

    /// <summary>
    /// The head's seal as installations wrote it before the database's name was part of it: still verified, until the
    /// next append seals the head with the name (docs/decisions/0027).
    /// </summary>
    public static byte[] ForLegacyHead(byte[] key, long sequence, byte[] hash)
    {
        var data = new byte[5 + sizeof(long) + hash.Length];
        "head:"u8.CopyTo(data);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(5), sequence);
        hash.CopyTo(data, 5 + sizeof(long));
        return HMACSHA256.HashData(key, data);
    }

    /// <summary>How <paramref name="head"/>, read from <paramref name="database"/>, is sealed.</summary>
    public static HeadSeal SealOf(byte[] key, string database, AuditChainHead head) =>
        head.Sequence == 0 && head.Seal.Length == 0 && head.Hash.AsSpan().SequenceEqual(new byte[32]) ? HeadSeal.Empty
        : ForHead(key, database, head.Sequence, head.Hash).AsSpan().SequenceEqual(head.Seal) ? HeadSeal.Named
        : ForLegacyHead(key, head.Sequence, head.Hash).AsSpan().SequenceEqual(head.Seal) ? HeadSeal.Legacy
        : HeadSeal.Forged;

    /// <summary>
    /// A checkpoint's seal: the database, the head's sequence and hash, when it was taken, and whether the head was
    /// sealed with the database's name then. Without the key nobody can forge a checkpoint or edit one.
    /// </summary>
    public static byte[] ForAnchor(byte[] key, string database, long sequence, byte[] hash, DateTimeOffset writtenAt, bool headSealedWithName)
    {
        var name = Encoding.UTF8.GetBytes(DatabaseKey(database));
        var data = new byte[AnchorPrefix.Length + name.Length + 1 + sizeof(long) + hash.Length + sizeof(long) + 1];
        AnchorPrefix.CopyTo(data);
        name.CopyTo(data, AnchorPrefix.Length);
        var at = AnchorPrefix.Length + name.Length + 1;
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(at), sequence);
        hash.CopyTo(data, at + sizeof(long));
        at += sizeof(long) + hash.Length;
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(at), writtenAt.UtcTicks);
        data[^1] = headSealedWithName ? (byte)1 : (byte)0;
        return HMACSHA256.HashData(key, data);
    }

    /// <summary>
    /// A database's name as seals hold it: shard names are told apart ignoring case everywhere, so the seal does too.
    /// </summary>
    public static string DatabaseKey(string database)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        return database.ToLowerInvariant();
    }

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

/// <summary>How a chain head is sealed (<see cref="AuditSeal.SealOf"/>).</summary>
internal enum HeadSeal
{
    /// <summary>The empty chain's head, which carries no seal.</summary>
    Empty,

    /// <summary>Sealed with the key and the database's name: the form every append writes.</summary>
    Named,

    /// <summary>Sealed with the key, without the database's name: written before the name was sealed too.</summary>
    Legacy,

    /// <summary>No seal the key made: somebody without the key moved the head.</summary>
    Forged,
}
