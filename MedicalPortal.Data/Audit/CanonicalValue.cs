using System.Globalization;
using System.Text.Json;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// A stored value as invariant text: what the audit trail records of a change, and what a bucket move's checksums
/// are computed over. The same value gives the same text on every provider and every machine.
/// </summary>
internal static class CanonicalValue
{
    public static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        DateTimeOffset d => d.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Guid g => g.ToString("D"),
        byte[] bytes => Convert.ToBase64String(bytes),
        System.Collections.IEnumerable items => JsonSerializer.Serialize(items.Cast<object?>().Select(Format).ToList(), AuditJson.Default.ListString),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
