using System.Runtime.CompilerServices;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// The real patient and enrollment stores and the export's source, with one shard taken down the way the stores report it: a record on that
/// shard can be neither read nor changed (<see cref="ShardUnavailableException"/>), and a list gathered from every
/// shard lacks its patients and names it. Every other shard answers from its SQLite file. The Data tests prove the
/// stores do this on real databases; the component tests need only what the pages are told.
/// </summary>
public sealed class ShardOutage(IShardMap map)
{
    private volatile string? _down;

    /// <summary>Replaces the portal's <see cref="IPatientStore"/>, <see cref="IEnrollmentStore"/> and <see cref="IExportSource"/> with ones that honour the outage.</summary>
    public static void Install(IServiceCollection services)
    {
        services.AddSingleton<ShardOutage>();
        Decorate<IPatientStore>(services, (outage, inner) => new OutagePatientStore(outage, inner));
        Decorate<IEnrollmentStore>(services, (outage, inner) => new OutageEnrollmentStore(outage, inner));
        Decorate<IExportSource>(services, (outage, inner) => new OutageExportSource(outage, inner));
    }

    /// <summary>Takes down <paramref name="shard"/>, a name from the shard map.</summary>
    public void TakeDown(string shard) => _down = map.Shards.Contains(shard, StringComparer.Ordinal)
        ? shard
        : throw new ArgumentException($"The shard map has no shard '{shard}'.", nameof(shard));

    /// <summary>Takes down the shard that holds <paramref name="patientId"/>; returns its name.</summary>
    public string TakeDownShardOf(Guid patientId)
    {
        var shard = map.ShardForPatient(patientId);
        TakeDown(shard);
        return shard;
    }

    /// <summary>Brings the shard back: every record answers again.</summary>
    public void BringBack() => _down = null;

    /// <summary>Whether <paramref name="patientId"/> lives on the shard that is down.</summary>
    public bool IsDown(Guid patientId) => _down is { } down && map.ShardForPatient(patientId) == down;

    private void ThrowIfDown(string shard)
    {
        if (_down is { } down && shard == down)
        {
            throw ShardUnavailableException.For(down);
        }
    }

    private void ThrowIfPatientsShardDown(Guid patientId) => ThrowIfDown(map.ShardForPatient(patientId));

    private void ThrowIfRecordsShardDown(Guid recordId) => ThrowIfDown(map.ShardForRecord(recordId));

    private void ThrowIfAnyShardDown()
    {
        if (_down is { } down)
        {
            throw ShardUnavailableException.For(down);
        }
    }

    private static void Decorate<TStore>(IServiceCollection services, Func<ShardOutage, TStore, TStore> decorate)
        where TStore : class
    {
        var real = services.Single(d => d.ServiceType == typeof(TStore));
        services.Remove(real);
        services.AddSingleton(provider => decorate(
            provider.GetRequiredService<ShardOutage>(),
            (TStore)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!)));
    }

    private sealed class OutagePatientStore(ShardOutage outage, IPatientStore inner) : IPatientStore
    {
        public async Task<PatientDto?> FindAsync(Guid id, CancellationToken cancellationToken)
        {
            outage.ThrowIfPatientsShardDown(id);
            return await inner.FindAsync(id, cancellationToken);
        }

        public async Task<PatientDto> AddAsync(AuditActor actor, Patient patient, CancellationToken cancellationToken)
        {
            outage.ThrowIfPatientsShardDown(patient.Id);
            return await inner.AddAsync(actor, patient, cancellationToken);
        }

        public async Task<PatientDto> UpdateAsync(
            AuditActor actor, Guid id, int expectedVersion, PatientInput input, DateTimeOffset now, CancellationToken cancellationToken)
        {
            outage.ThrowIfPatientsShardDown(id);
            return await inner.UpdateAsync(actor, id, expectedVersion, input, now, cancellationToken);
        }

        public async Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken)
        {
            outage.ThrowIfPatientsShardDown(id);
            await inner.DeleteAsync(actor, id, expectedVersion, cancellationToken);
        }

        public async Task<Page<PatientDto>> SearchAsync(PatientSearch search, CancellationToken cancellationToken)
        {
            var page = await inner.SearchAsync(search, cancellationToken);
            return outage._down is { } down
                ? new Page<PatientDto>([.. page.Items.Where(p => !outage.IsDown(p.Id))], page.NextCursor) { UnavailableShards = [down] }
                : page;
        }
    }

    private sealed class OutageEnrollmentStore(ShardOutage outage, IEnrollmentStore inner) : IEnrollmentStore
    {
        public async Task<EnrollmentDto?> FindAsync(Guid id, CancellationToken cancellationToken)
        {
            outage.ThrowIfRecordsShardDown(id);
            return await inner.FindAsync(id, cancellationToken);
        }

        public async Task<IReadOnlyList<EnrollmentDto>> ListForStudyAsync(Guid studyId, Guid? onlyPatientId, CancellationToken cancellationToken)
        {
            if (onlyPatientId is { } patientId)
            {
                outage.ThrowIfPatientsShardDown(patientId);
            }
            else
            {
                outage.ThrowIfAnyShardDown();
            }

            return await inner.ListForStudyAsync(studyId, onlyPatientId, cancellationToken);
        }

        public async Task<IReadOnlyList<EnrollmentDto>> ListForPatientAsync(Guid patientId, CancellationToken cancellationToken)
        {
            outage.ThrowIfPatientsShardDown(patientId);
            return await inner.ListForPatientAsync(patientId, cancellationToken);
        }

        public async Task<EnrollmentDto> AddAsync(AuditActor actor, Enrollment enrollment, CancellationToken cancellationToken)
        {
            outage.ThrowIfPatientsShardDown(enrollment.PatientId);
            return await inner.AddAsync(actor, enrollment, cancellationToken);
        }

        public async Task<EnrollmentDto> CorrectConsentAsync(
            AuditActor actor, Guid id, int? expectedVersion, DateTimeOffset? consentedAt, DateTimeOffset now, CancellationToken cancellationToken)
        {
            outage.ThrowIfRecordsShardDown(id);
            return await inner.CorrectConsentAsync(actor, id, expectedVersion, consentedAt, now, cancellationToken);
        }

        public async Task<EnrollmentDto> WithdrawAsync(AuditActor actor, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
        {
            outage.ThrowIfRecordsShardDown(id);
            return await inner.WithdrawAsync(actor, id, now, cancellationToken);
        }

        public async Task<int> CountForStudyAsync(Guid studyId, CancellationToken cancellationToken)
        {
            outage.ThrowIfAnyShardDown();
            return await inner.CountForStudyAsync(studyId, cancellationToken);
        }
    }

    private sealed class OutageExportSource(ShardOutage outage, IExportSource inner) : IExportSource
    {
        public async IAsyncEnumerable<ExportPatient> PopulationAsync(
            Guid studyId, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            outage.ThrowIfAnyShardDown();
            await foreach (var patient in inner.PopulationAsync(studyId, cancellationToken))
            {
                yield return patient;
            }
        }

        public async IAsyncEnumerable<ExportPatient> ParticipantsAsync(
            Guid studyId, ChangeWindow? window, Func<ExportPatient, bool>? alsoSelect, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            outage.ThrowIfAnyShardDown();
            await foreach (var patient in inner.ParticipantsAsync(studyId, window, alsoSelect, cancellationToken))
            {
                yield return patient;
            }
        }
    }
}
