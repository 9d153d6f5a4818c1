using MedicalPortal.Core.Export;
using MedicalPortal.Data.Export;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalPortal.Data.Tests.Export;

/// <summary>A point in an extraction run where a test makes it "crash" (or holds it).</summary>
internal enum ExtractionStage
{
    /// <summary>Half of the temporary file is written.</summary>
    MidFile,

    /// <summary>The temporary file is complete and on disk; the run does not know yet.</summary>
    FileWritten,

    /// <summary>The run is marked written; the file still has its temporary name.</summary>
    RunMarkedWritten,

    /// <summary>The file has its final name; the run is not marked completed yet.</summary>
    FileRenamed,
}

/// <summary>
/// The real extraction file store with a test's step between its steps: what <see cref="AtStage"/> does there (throw:
/// a crash at that point; wait: a run held there) happens on the real files, so the next run has to recover from what
/// such a crash leaves on disk.
/// </summary>
internal sealed class StagedExtractionFiles(IExtractionFileStore files) : IExtractionFileStore
{
    public Func<ExtractionStage, Task>? AtStage { get; set; }

    /// <summary>Puts one in front of the real file store of <paramref name="services"/>.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(sp => new StagedExtractionFiles(ActivatorUtilities.CreateInstance<ExtractionFileStore>(sp)));
        services.Replace(ServiceDescriptor.Singleton<IExtractionFileStore>(sp => sp.GetRequiredService<StagedExtractionFiles>()));
    }

    public async Task WriteTemporaryAsync(ExtractionRun run, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await files.WriteTemporaryAsync(
            run,
            async (file, token) =>
            {
                // The export goes to the file in two halves with the stage between them.
                using var content = new MemoryStream();
                await write(content, token);
                var half = (int)content.Length / 2;
                await file.WriteAsync(content.GetBuffer().AsMemory(0, half), token);
                await StageAsync(ExtractionStage.MidFile);
                await file.WriteAsync(content.GetBuffer().AsMemory(half, (int)content.Length - half), token);
            },
            cancellationToken);
        await StageAsync(ExtractionStage.FileWritten);
    }

    public Task<string?> Sha256Async(ExtractionRun run, ExtractionFile file, CancellationToken cancellationToken) =>
        files.Sha256Async(run, file, cancellationToken);

    public async Task PublishAsync(ExtractionRun run, CancellationToken cancellationToken)
    {
        await StageAsync(ExtractionStage.RunMarkedWritten);
        await files.PublishAsync(run, cancellationToken);
        await StageAsync(ExtractionStage.FileRenamed);
    }

    public string? Find(ExtractionRun run) => files.Find(run);

    private Task StageAsync(ExtractionStage stage) => AtStage?.Invoke(stage) ?? Task.CompletedTask;
}
