using MedicalPortal.Core.Export;
using MedicalPortal.Data.Tests.Infrastructure;

namespace MedicalPortal.Data.Tests.Export;

/// <summary>Where extraction files go on disk: <c>Export:Directory</c> or the data folder, one folder per study.</summary>
public abstract class ExtractionFileStoreTests(TestProvider provider)
{
    private static readonly ExtractionRun Run = new(
        Guid.CreateVersion7(), ExportDataSet.Study, ExtractionStatus.Started, TestPatients.Now, null, null, TestPatients.Now,
        "20260601T000000Z.csv", 0, 0, 0, 0, 0, null);

    [Theory]
    [InlineData(null)]
    [InlineData("mnt/extractions")]
    public async Task PublishAsync_AfterWriteTemporaryAsync_TheFileMovesFromItsTemporaryNameToItsFinalOne(string? configured)
    {
        // Arrange: a relative Export:Directory is taken from the content root; unset, it is "exports" in the data folder.
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 1, settings: new Dictionary<string, string?> { ["Export:Directory"] = configured });
        var files = db.Get<IExtractionFileStore>();
        var exports = configured is null ? Path.Combine(db.DataFolder, "exports") : Path.Combine(db.Directory, configured);
        var studyFolder = Path.Combine(exports, ExportDataSet.Study.ToString("D"));
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

    public sealed class OnSqlite() : ExtractionFileStoreTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : ExtractionFileStoreTests(TestProvider.Postgres);
}
