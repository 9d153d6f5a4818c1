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
