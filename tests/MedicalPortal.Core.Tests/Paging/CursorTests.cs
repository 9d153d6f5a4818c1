using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Tests.Validation;

namespace MedicalPortal.Core.Tests.Paging;

public sealed class CursorTests
{
    [Fact]
    public void Decode_EncodedKey_RoundTrips()
    {
        // Arrange
        string[] key = ["O'TEST \"QUOTED\"", "", "\U0001F600/+=", "M1234567897"];

        // Act
        var decoded = Cursor.Decode(Cursor.Encode(key), key.Length);

        // Assert
        Assert.Equal(key, decoded);
    }

    [Fact]
    public void Encode_Key_IsUrlSafe()
    {
        // Arrange: bytes that standard base64 would write as '+' and '/'.
        string[] key = ["\u00FB\u00FF\u00BF?>", "~~~"];

        // Act
        var cursor = Cursor.Encode(key);

        // Assert
        Assert.Matches("^[A-Za-z0-9_-]+$", cursor);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Decode_NoCursor_IsNull(string? cursor)
    {
        // Act
        var decoded = Cursor.Decode(cursor, 3);

        // Assert
        Assert.Null(decoded);
    }

    [Fact]
    public void Decode_WrongNumberOfParts_ThrowsValidationFailedForCursor()
    {
        // Arrange
        var cursor = Cursor.Encode(["A", "B"]);

        // Act, Assert
        ValidationAssert.Throws("cursor", () => Cursor.Decode(cursor, 3));
    }

    [Theory]
    [InlineData("%%%")]
    [InlineData("a")]
    [InlineData("e30")] // {}
    [InlineData("WzEsMiwzXQ")] // [1,2,3]
    public void Decode_Garbage_ThrowsValidationFailedForCursor(string cursor)
    {
        // Act, Assert
        ValidationAssert.Throws("cursor", () => Cursor.Decode(cursor, 3));
    }

    [Fact]
    public void Decode_InvalidUtf8InsideTheJson_ThrowsValidationFailedForCursor()
    {
        // Arrange: ["A","B","<0xFF>"], where 0xFF can never appear in UTF-8.
        byte[] json = [.. "[\"A\",\"B\",\""u8, 0xFF, .. "\"]"u8];
        var cursor = Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        // Act, Assert
        ValidationAssert.Throws("cursor", () => Cursor.Decode(cursor, 3));
    }
}
