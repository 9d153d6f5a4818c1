using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// The real patient store, whose first search and first record read wait until the test opens the gate: for what a
/// user sees while a slow load is still on its way, or when it finishes while they are already typing.
/// </summary>
public sealed class GatedPatientStore(IPatientStore inner) : IPatientStore
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _searches;
    private int _reads;

    /// <summary>Lets the first search and read (and every one after them) go on to the database.</summary>
    public void Open() => _gate.TrySetResult();

    /// <summary>Completes once a search or read waits at the gate: a request is in flight.</summary>
    public Task Waiting => _waiting.Task;

    /// <summary>Replaces the portal's <see cref="IPatientStore"/> with a gated one wrapping it.</summary>
    public static void Install(IServiceCollection services)
    {
        var real = services.Single(d => d.ServiceType == typeof(IPatientStore));
        services.Remove(real);
        services.AddSingleton(provider => new GatedPatientStore(
            (IPatientStore)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!)));
        services.AddSingleton<IPatientStore>(provider => provider.GetRequiredService<GatedPatientStore>());
    }

    public async Task<PatientDto?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await WaitIfFirstAsync(ref _reads, cancellationToken);
        return await inner.FindAsync(id, cancellationToken);
    }

    public Task<PatientDto> AddAsync(AuditActor actor, Patient patient, CancellationToken cancellationToken) =>
        inner.AddAsync(actor, patient, cancellationToken);

    public Task<PatientDto> UpdateAsync(
        AuditActor actor, Guid id, int expectedVersion, PatientInput input, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.UpdateAsync(actor, id, expectedVersion, input, now, cancellationToken);

    public Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken) =>
        inner.DeleteAsync(actor, id, expectedVersion, cancellationToken);

    public Task<RegisteredPatients> RegisteredBetweenAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) =>
        inner.RegisteredBetweenAsync(from, to, limit, cancellationToken);

    public async Task<Page<PatientDto>> SearchAsync(PatientSearch search, CancellationToken cancellationToken)
    {
        await WaitIfFirstAsync(ref _searches, cancellationToken);
        return await inner.SearchAsync(search, cancellationToken);
    }

    private Task WaitIfFirstAsync(ref int calls, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref calls) != 1)
        {
            return Task.CompletedTask;
        }

        _waiting.TrySetResult();
        return _gate.Task.WaitAsync(cancellationToken);
    }
}
