using MedicalPortal.Core.Export;
using MedicalPortal.Data.Tests.Infrastructure;

namespace MedicalPortal.Data.Tests.Export;

/// <summary>Where extraction files go on disk: <c>Export:Directory</c> or the data folder, one folder per study.</summary>
public sealed class ExtractionFileStoreTests
{
    private static readonly ExtractionRun Run = new(
        Guid.CreateVersion7(), ExportDataSet.Study, ExtractionStatus.Started, TestPatients.Now, null, null, TestPatients.Now,
        "20260601T000000Z.csv", 0, 0, 0, null);

    [Theory]
    [InlineData(null, "exports")]
    [InlineData("mnt/extractions", "mnt/extractions")]
    public async Task PublishAsync_AfterWriteTemporaryAsync_TheFileMovesFromItsTemporaryNameToItsFinalOne(string? configured, string folder)
    {
        // Arrange: a relative Export:Directory is taken from the content root (the data folder in these tests).
        await using var db = await ShardedDatabase.CreateAsync(shardCount: 1, settings: new Dictionary<string, string?> { ["Export:Directory"] = configured });
        var files = db.Get<IExtractionFileStore>();
        var studyFolder = Path.Combine(db.Directory, folder, ExportDataSet.Study.ToString("D"));
        await files.WriteTemporaryAsync(Run, (file, token) => file.WriteAsync("research_id\r\n"u8.ToArray(), token).AsTask(), default);
        var temporary = Path.Combine(studyFolder, ".20260601T000000Z.csv.tmp");
        var writtenUnderTheTemporaryName = (File.Exists(temporary), files.Find(Run));

        // Act
        await files.PublishAsync(Run, default);

        // Assert
        Assert.Equal((true, null), writtenUnderTheTemporaryName);
        Assert.Equal(Path.Combine(studyFolder, "20260601T000000Z.csv"), files.Find(Run));
        Assert.False(File.Exists(temporary));
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("research_id\r\n"u8)),
            await files.Sha256Async(Run, ExtractionFile.Final, default));
        Assert.Null(await files.Sha256Async(Run, ExtractionFile.Temporary, default));
    }
}
