using System.Runtime.CompilerServices;
using MedicalPortal.Core.Export;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// The real export source, whose writing pass (the participants with their visits) waits at a gate while the test
/// holds it closed: for what a caller sees while an export is certainly still running. Open until closed.
/// </summary>
public sealed class GatedExportSource(IExportSource inner) : IExportSource
{
    private TaskCompletionSource _open = Opened();
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once an export waits at the closed gate.</summary>
    public Task Reached => _reached.Task;

    /// <summary>Holds the next exports' writing pass until <see cref="Open"/>.</summary>
    public void Close() =>
        (_open, _reached) = (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Open() => _open.TrySetResult();

    /// <summary>Replaces the portal's <see cref="IExportSource"/> with a gated one wrapping it.</summary>
    public static void Install(IServiceCollection services)
    {
        var real = services.Single(d => d.ServiceType == typeof(IExportSource));
        services.Remove(real);
        services.AddSingleton(provider => new GatedExportSource(
            (IExportSource)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!)));
        services.AddSingleton<IExportSource>(provider => provider.GetRequiredService<GatedExportSource>());
    }

    public IAsyncEnumerable<ExportPatient> PopulationAsync(Guid studyId, CancellationToken cancellationToken) =>
        inner.PopulationAsync(studyId, cancellationToken);

    public async IAsyncEnumerable<ExportPatient> ParticipantsAsync(
        Guid studyId, ChangeWindow? window, Func<ExportPatient, bool>? alsoSelect, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _reached.TrySetResult();
        await _open.Task.WaitAsync(cancellationToken);
        await foreach (var patient in inner.ParticipantsAsync(studyId, window, alsoSelect, cancellationToken).WithCancellation(cancellationToken))
        {
            yield return patient;
        }
    }

    public IAsyncEnumerable<ExportPatientCodes> DiagnosisCodesAsync(
        Guid studyId, ChangeWindow? window, Func<ExportPatient, bool>? alsoSelect, CancellationToken cancellationToken) =>
        inner.DiagnosisCodesAsync(studyId, window, alsoSelect, cancellationToken);

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
