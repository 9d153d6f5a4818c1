using System.Buffers.Text;
using System.Text.Json;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Paging;

/// <summary>
/// Opaque page cursors: the sort key of the last item shown, base64url-encoded JSON. Clients pass them back as is.
/// </summary>
public static class Cursor
{
    public static string Encode(IReadOnlyList<string> key) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(key, CursorJson.Default.IReadOnlyListString));

    public static IReadOnlyList<string>? Decode(string? cursor, int expectedParts)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var parts = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(cursor), CursorJson.Default.IReadOnlyListString);
            if (parts is not null && parts.Count == expectedParts && parts.All(p => p is not null))
            {
                return parts;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            // Falls through to the validation error below.
        }

        throw new ValidationFailedException("cursor", "The page cursor is not valid. Start again from the first page.");
    }
}
