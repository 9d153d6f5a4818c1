using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// The real patient store, whose first search waits until the test opens the gate: for what a user sees when a slow
/// load finishes while they are already typing.
/// </summary>
public sealed class GatedPatientStore(IPatientStore inner) : IPatientStore
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _searches;

    /// <summary>Lets the first search (and every one after it) go on to the database.</summary>
    public void Open() => _gate.TrySetResult();

    /// <summary>Replaces the portal's <see cref="IPatientStore"/> with a gated one wrapping it.</summary>
    public static void Install(IServiceCollection services)
    {
        var real = services.Single(d => d.ServiceType == typeof(IPatientStore));
        services.Remove(real);
        services.AddSingleton(provider => new GatedPatientStore(
            (IPatientStore)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!)));
        services.AddSingleton<IPatientStore>(provider => provider.GetRequiredService<GatedPatientStore>());
    }

    public Task<PatientDto?> FindAsync(Guid id, CancellationToken cancellationToken) => inner.FindAsync(id, cancellationToken);

    public Task<PatientDto> AddAsync(AuditActor actor, Patient patient, CancellationToken cancellationToken) =>
        inner.AddAsync(actor, patient, cancellationToken);

    public Task<PatientDto> UpdateAsync(
        AuditActor actor, Guid id, int expectedVersion, PatientInput input, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.UpdateAsync(actor, id, expectedVersion, input, now, cancellationToken);

    public Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken) =>
        inner.DeleteAsync(actor, id, expectedVersion, cancellationToken);

    public async Task<Page<PatientDto>> SearchAsync(PatientSearch search, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _searches) == 1)
        {
            await _gate.Task.WaitAsync(cancellationToken);
        }

        return await inner.SearchAsync(search, cancellationToken);
    }
}
