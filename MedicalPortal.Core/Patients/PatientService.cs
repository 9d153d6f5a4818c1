using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Patients;

/// <summary>
/// Registering, finding, correcting and removing patients. Every operation authorizes first; every change is
/// attributed to its actor in the audit trail, and every record shown is in the access log before it is returned.
/// </summary>
public sealed class PatientService(
    IPatientStore store, AccessControl access, IAccessLog accessLog, TimeProvider clock)
{
    private const int MrnAttempts = 5;

    public async Task<PatientDto> RegisterAsync(ICurrentUser user, PatientInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await access.DemandAsync(user, Resource.Patient, Operations.Create, cancellationToken);
        var actor = AuditActor.Of(user);
        var now = clock.GetUtcNow();
        var cleaned = input.Cleaned();
        if (cleaned.Mrn is { } chosen)
        {
            try
            {
                return await store.AddAsync(actor, Patient.Register(Guid.CreateVersion7(now), chosen, cleaned, now), cancellationToken);
            }
            catch (MrnTakenException e)
            {
                throw new ValidationFailedException("mrn", e.Message);
            }
        }

        // A server-assigned MRN is random; a collision with an existing one is rare and simply retried.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var patient = Patient.Register(Guid.CreateVersion7(now), Mrn.Generate(), cleaned, now);
                return await store.AddAsync(actor, patient, cancellationToken);
            }
            catch (MrnTakenException) when (attempt < MrnAttempts)
            {
            }
        }
    }

    public async Task<PatientDto> GetAsync(ICurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        await access.DemandForPatientAsync(user, Resource.Patient, Operations.Retrieve, id, cancellationToken);
        var patient = await store.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Patient);
        await accessLog.RecordAsync(
            new AccessRecord(AuditActor.Of(user), AuditAction.Read, Resource.Patient, id.ToString(), [id]), cancellationToken);
        return patient;
    }

    public async Task<Page<PatientDto>> SearchAsync(ICurrentUser user, PatientSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        var scope = await access.DemandAsync(user, Resource.Patient, Operations.Retrieve, cancellationToken);
        if (scope == AccessScope.OwnPatientRecord)
        {
            search = search with { OnlyPatientId = user.PatientId };
        }

        var page = await store.SearchAsync(search, cancellationToken);
        if (page.Items.Count > 0)
        {
            await accessLog.RecordAsync(
                new AccessRecord(AuditActor.Of(user), AuditAction.Read, Resource.Patient, null, [.. page.Items.Select(p => p.Id)]),
                cancellationToken);
        }

        return page;
    }

    /// <summary>
    /// The patients registered across the clinic in [<paramref name="from"/>, <paramref name="to"/>), such as the front
    /// desk's "today": for a role that may read every patient. The newest listed are recorded as one read.
    /// </summary>
    public async Task<RegisteredPatients> RegisteredBetweenAsync(
        ICurrentUser user, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from, to);
        if (await access.DemandAsync(user, Resource.Patient, Operations.Retrieve, cancellationToken) != AccessScope.AllRecords)
        {
            throw new AccessDeniedException(user.IsAuthenticated, Resource.Patient, Operations.Retrieve);
        }

        var registered = await store.RegisteredBetweenAsync(from, to, Math.Clamp(limit, 0, PageLimits.Max), cancellationToken);
        if (registered.Newest.Count > 0)
        {
            await accessLog.RecordAsync(
                new AccessRecord(AuditActor.Of(user), AuditAction.Read, Resource.Patient, null, [.. registered.Newest.Select(p => p.Patient.Id)]),
                cancellationToken);
        }

        return registered;
    }

    public async Task<PatientDto> UpdateAsync(
        ICurrentUser user, Guid id, PatientInput input, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scope = await access.DemandAsync(user, Resource.Patient, Operations.Update, cancellationToken);
        AccessControl.EnsureWithinScope(user, scope, Resource.Patient, id);

        if (scope == AccessScope.OwnPatientRecord)
        {
            // Patients keep their own contact details current; who they are is the front desk's to change.
            var current = await store.FindAsync(id, cancellationToken) ?? throw new RecordNotFoundException(Resource.Patient);
            input = ContactChangesOnly(input.Cleaned(), current);
        }

        // Checked before the store is touched; the entity checks again when it applies the change.
        var now = clock.GetUtcNow();
        PatientRules.Validate(input.Cleaned(), DateOnly.FromDateTime(now.UtcDateTime)).ThrowIfInvalid();
        return await store.UpdateAsync(AuditActor.Of(user), id, version, input, now, cancellationToken);
    }

    public async Task DeleteAsync(ICurrentUser user, Guid id, int? version, CancellationToken cancellationToken)
    {
        await access.DemandForPatientAsync(user, Resource.Patient, Operations.Delete, id, cancellationToken);
        await store.DeleteAsync(AuditActor.Of(user), id, version, cancellationToken);
    }

    /// <summary>The identity fields as they are, the contact fields as submitted; a changed identity field is refused.</summary>
    private static PatientInput ContactChangesOnly(PatientInput input, PatientDto current)
    {
        var errors = new ValidationErrors();
        const string AskFrontDesk = "Ask the front desk to change your name, birth date, sex or MRN.";
        if (input.GivenName is not null && input.GivenName != current.GivenName)
        {
            errors.Add("givenName", AskFrontDesk);
        }

        if (input.FamilyName is not null && input.FamilyName != current.FamilyName)
        {
            errors.Add("familyName", AskFrontDesk);
        }

        if (input.BirthDate is not null && input.BirthDate != current.BirthDate)
        {
            errors.Add("birthDate", AskFrontDesk);
        }

        if (input.Sex is not null && input.Sex != current.Sex)
        {
            errors.Add("sex", AskFrontDesk);
        }

        if (input.Mrn is not null && input.Mrn != current.Mrn)
        {
            errors.Add("mrn", AskFrontDesk);
        }

        errors.ThrowIfInvalid();
        return input with
        {
            Mrn = current.Mrn,
            GivenName = current.GivenName,
            FamilyName = current.FamilyName,
            BirthDate = current.BirthDate,
            Sex = current.Sex,
        };
    }
}
