using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;

namespace MedicalPortal.Core.Patients;

/// <summary>
/// The patients a staff member opened lately, most recent first, for their home page: found in the access log's
/// record of their own reads, so it is exactly what they looked at, on any node. Listing them is itself a read of
/// those patients, recorded as a list (which does not count as opening them again).
/// </summary>
public sealed class RecentPatientsService(IAuditStore audit, IPatientStore patients, AccessControl access, IAccessLog accessLog)
{
    /// <summary>The most a home page lists.</summary>
    public const int MaxCount = 20;

    public async Task<IReadOnlyList<RecentPatient>> ListAsync(ICurrentUser user, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (await access.DemandAsync(user, Resource.Patient, Operations.Retrieve, cancellationToken) != AccessScope.AllRecords
            || user.AccountId is not { } accountId)
        {
            throw new AccessDeniedException(user.IsAuthenticated, Resource.Patient, Operations.Retrieve);
        }

        var opened = await audit.RecentlyOpenedByAsync(accountId, Resource.Patient, Math.Clamp(count, 1, MaxCount), cancellationToken);
        var found = await Task.WhenAll(opened.Select(record => FindAsync(record, cancellationToken)));

        // A patient deleted since, or on a shard that does not answer now, is simply not listed.
        var recent = found.OfType<RecentPatient>().ToList();
        if (recent.Count > 0)
        {
            await accessLog.RecordAsync(
                new AccessRecord(AuditActor.Of(user), AuditAction.Read, Resource.Patient, null, [.. recent.Select(r => r.Patient.Id)]),
                cancellationToken);
        }

        return recent;
    }

    private async Task<RecentPatient?> FindAsync(OpenedRecord record, CancellationToken cancellationToken)
    {
        try
        {
            return Guid.TryParse(record.ResourceId, out var id) && await patients.FindAsync(id, cancellationToken) is { } patient
                ? new RecentPatient(patient, record.OpenedAt)
                : null;
        }
        catch (ShardUnavailableException)
        {
            return null;
        }
    }
}

/// <summary>A patient the user opened, and when they last did.</summary>
public sealed record RecentPatient(PatientDto Patient, DateTimeOffset OpenedAt);
