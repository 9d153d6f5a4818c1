using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;

namespace MedicalPortal.Core.Visits;

/// <summary>Recording and correcting visits. Every operation authorizes first.</summary>
public sealed class VisitService(
    IVisitStore visits, IPatientStore patients, AccessControl access, IAccessLog accessLog, TimeProvider clock)
{
    public async Task<Page<VisitDto>> ListForPatientAsync(
        ICurrentUser user, Guid patientId, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        await access.DemandForPatientAsync(user, Resource.Visit, Operations.Retrieve, patientId, cancellationToken);
        var page = await visits.ListForPatientAsync(patientId, cursor, PageLimits.Resolve(limit), cancellationToken)
            ?? throw new RecordNotFoundException(Resource.Patient);
        if (page.Items.Count > 0)
        {
            await accessLog.RecordAsync(
                new AccessRecord(AuditActor.Of(user), AuditAction.Read, Resource.Visit, null, [patientId]), cancellationToken);
        }

        return page;
    }

    public async Task<VisitDto> GetAsync(ICurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        var scope = await access.DemandAsync(user, Resource.Visit, Operations.Retrieve, cancellationToken);
        var visit = await visits.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Visit);
        AccessControl.EnsureWithinScope(user, scope, Resource.Visit, visit.PatientId);
        await accessLog.RecordAsync(
            new AccessRecord(AuditActor.Of(user), AuditAction.Read, Resource.Visit, id.ToString(), [visit.PatientId]), cancellationToken);
        return visit;
    }

    public async Task<VisitDto> RecordAsync(
        ICurrentUser user, Guid patientId, VisitInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await access.DemandForPatientAsync(user, Resource.Visit, Operations.Create, patientId, cancellationToken);
        var patient = await patients.FindAsync(patientId, cancellationToken)
            ?? throw new RecordNotFoundException(Resource.Patient);

        var visit = Visit.Record(patientId, patient.BirthDate, input, clock.GetUtcNow());
        return await visits.AddAsync(AuditActor.Of(user), visit, cancellationToken);
    }

    public async Task<VisitDto> UpdateAsync(
        ICurrentUser user, Guid id, VisitInput input, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scope = await access.DemandAsync(user, Resource.Visit, Operations.Update, cancellationToken);
        var visit = await visits.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Visit);
        AccessControl.EnsureWithinScope(user, scope, Resource.Visit, visit.PatientId);

        var patient = await patients.FindAsync(visit.PatientId, cancellationToken)
            ?? throw new RecordNotFoundException(Resource.Visit);
        var now = clock.GetUtcNow();
        VisitRules.Validate(input.Cleaned(), now, patient.BirthDate).ThrowIfInvalid();
        return await visits.UpdateAsync(AuditActor.Of(user), id, version, patient.BirthDate, input, now, cancellationToken);
    }

    /// <summary>
    /// The visits recorded across the clinic in [<paramref name="from"/>, <paramref name="to"/>), such as a clinician's
    /// "today": for a role that may read every patient and their visits. Listing the newest shows their patients, which
    /// the access log records as one read of those patients.
    /// </summary>
    public async Task<RecordedVisits> RecordedBetweenAsync(
        ICurrentUser user, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);

        // The list names each visit's patient: it takes the right to read every patient as well as every visit.
        foreach (var resource in new[] { Resource.Visit, Resource.Patient })
        {
            if (await access.DemandAsync(user, resource, Operations.Retrieve, cancellationToken) != AccessScope.AllRecords)
            {
                throw new AccessDeniedException(user.IsAuthenticated, resource, Operations.Retrieve);
            }
        }

        var recorded = await visits.RecordedBetweenAsync(from, to, Math.Clamp(limit, 0, PageLimits.Max), cancellationToken);
        if (recorded.Newest.Count > 0)
        {
            await accessLog.RecordAsync(
                new AccessRecord(AuditActor.Of(user), AuditAction.Read, Resource.Visit, null,
                    [.. recorded.Newest.Select(v => v.Visit.PatientId).Distinct()]),
                cancellationToken);
        }

        return recorded;
    }

    public async Task DeleteAsync(ICurrentUser user, Guid id, int? version, CancellationToken cancellationToken)
    {
        var scope = await access.DemandAsync(user, Resource.Visit, Operations.Delete, cancellationToken);
        var visit = await visits.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Visit);
        AccessControl.EnsureWithinScope(user, scope, Resource.Visit, visit.PatientId);
        await visits.DeleteAsync(AuditActor.Of(user), id, version, cancellationToken);
    }
}
