using System.Text;
using MedicalPortal.Core.Export;

namespace MedicalPortal.Core.Tests.Export;

public sealed class ResearchCsvTests
{
    [Fact]
    public async Task WriteAsync_NoRows_ExactlyTheHeaderOfTheContract()
    {
        // Act
        var csv = await WriteAsync([]);

        // Assert
        Assert.Equal(
            "research_id,birth_year,sex,zip3,visit_year,visit_type,height_cm,weight_kg,systolic,diastolic,heart_rate,temperature_c,diagnosis_codes\r\n",
            csv);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "\"'+1\"")]
    [InlineData("-1", "\"'-1\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\tx", "\"'\tx\"")]
    public async Task WriteAsync_FieldAFormulaWouldRun_QuotedWithALeadingApostrophe(string value, string expectedField)
    {
        // Arrange
        var row = new ResearchRow("r1", "1980", "female", "021", "2024", "checkup", null, null, null, null, null, null, value);

        // Act
        var csv = await WriteAsync([row]);

        // Assert
        var line = csv.Split("\r\n")[1];
        Assert.Equal("r1,1980,female,021,2024,checkup,,,,,,," + expectedField, line);
    }

    [Fact]
    public async Task WriteAsync_SeparatorsAndQuotes_QuotedAsRfc4180()
    {
        // Arrange
        var row = new ResearchRow("r1", "1980", "female", "021", null, null, null, null, null, null, null, null, "a,b \"c\"");

        // Act
        var csv = await WriteAsync([row]);

        // Assert
        Assert.EndsWith("r1,1980,female,021,,,,,,,,,\"a,b \"\"c\"\"\"\r\n", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Rows_CountsThem()
    {
        // Arrange
        var rows = Enumerable.Range(0, 2500).Select(i => new ResearchRow($"r{i}", "1980", "male", "021", null, null, null, null, null, null, null, null, null));

        // Act
        using var output = new MemoryStream();
        var count = await ResearchCsv.WriteAsync(output, rows.ToAsyncEnumerable(), CancellationToken.None);

        // Assert
        Assert.Equal(2500, count);
        Assert.Equal(2501, Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static async Task<string> WriteAsync(IEnumerable<ResearchRow> rows)
    {
        using var output = new MemoryStream();
        await ResearchCsv.WriteAsync(output, rows.ToAsyncEnumerable(), CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
