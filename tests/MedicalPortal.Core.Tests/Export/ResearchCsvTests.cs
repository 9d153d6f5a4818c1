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

    [Fact]
    public async Task WriteAsync_ManyRows_NeverWritesSynchronously()
    {
        // Arrange: far more than the writer's buffer holds; an HTTP response body refuses synchronous writes the same way.
        var rows = Enumerable.Range(0, 20_000).Select(i =>
            new ResearchRow($"{i:x32}", "1980", "female", "021", "2024", "checkup", "172.5", "70.2", "120", "80", "64", "36.8", "E11.9;I10"));
        await using var output = new AsyncOnlyStream();

        // Act
        var count = await ResearchCsv.WriteAsync(output, rows.ToAsyncEnumerable(), CancellationToken.None);

        // Assert
        Assert.Equal(20_000, count);
        Assert.True(output.Length > 1_000_000);
    }

    private static async Task<string> WriteAsync(IEnumerable<ResearchRow> rows)
    {
        using var output = new MemoryStream();
        await ResearchCsv.WriteAsync(output, rows.ToAsyncEnumerable(), CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>A stream that, like Kestrel's response body, fails on any synchronous write or flush.</summary>
    private sealed class AsyncOnlyStream : Stream
    {
        private readonly MemoryStream _written = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written.Length;

        public override long Position { get => _written.Position; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous write.");

        public override void Flush() => throw new InvalidOperationException("Synchronous flush.");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _written.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _written.WriteAsync(buffer, offset, count, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _written.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
