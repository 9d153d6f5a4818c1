using System.Globalization;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;

namespace MedicalPortal.Core.Audit;

/// <summary>Reading the audit trail and checking its integrity: AuditLog Retrieve, and nothing else, ever.</summary>
public sealed class AuditService(
    IAuditStore audit,
    AccessControl access,
    IAccessLog accessLog,
    IAuditVerificationLog verifications,
    IPatientStore patients,
    TimeProvider clock)
{
    /// <summary>
    /// The entries the query asks for. The trail shows old and new values of patient records, so a query is itself a
    /// read of the patients its page names: it is recorded (who, with which filters, which patients) before the page is
    /// returned, and a query whose page names nobody is recorded too (<see cref="IAccessLog.RecordAsync"/>).
    /// </summary>
    public async Task<Page<AuditEntryDto>> QueryAsync(ICurrentUser user, AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await access.DemandAsync(user, Resource.AuditLog, Operations.Retrieve, cancellationToken);
        var validated = query.Validated();
        var page = await audit.QueryAsync(validated, cancellationToken);
        IReadOnlyList<Guid> shown =
            [.. page.Items.SelectMany(e => e.PatientId is { } patient ? e.PatientIds.Append(patient) : e.PatientIds).Distinct()];
        await accessLog.RecordAsync(
            new AccessRecord(AuditActor.Of(user), AuditAction.Read, Resource.AuditLog, null, shown) { Query = Filters(validated) },
            cancellationToken);
        return page;
    }

    public async Task<IReadOnlyList<ChainVerification>> VerifyAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.AuditLog, Operations.Retrieve, cancellationToken);
        var results = await audit.VerifyAsync(cancellationToken);
        await verifications.RecordAsync(results, user.UserName ?? "unknown", clock.GetUtcNow(), cancellationToken);
        return results;
    }

    /// <summary>
    /// A page of the trail as an auditor reads it: <see cref="QueryAsync"/>'s page (recorded the same way, naming every
    /// patient it shows) and each of those patients by MRN and name. A patient deleted since, or on a shard that does
    /// not answer now, has no label; the screen shows their id.
    /// </summary>
    public async Task<AuditTrailPage> ReadTrailAsync(ICurrentUser user, AuditQuery query, CancellationToken cancellationToken)
    {
        var page = await QueryAsync(user, query, cancellationToken);
        var ids = page.Items.SelectMany(PatientsOf).Distinct().ToList();
        var labels = await Task.WhenAll(ids.Select(id => LabelAsync(id, cancellationToken)));
        return new AuditTrailPage(page, labels.OfType<AuditPatient>().ToDictionary(label => label.Id));
    }

    /// <summary>Every patient an entry names: the one it changed or read, and those a list showed.</summary>
    public static IEnumerable<Guid> PatientsOf(AuditEntryDto entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.PatientId is { } patient ? entry.PatientIds.Prepend(patient).Distinct() : entry.PatientIds;
    }

    /// <summary>How each chain stood when last checked (by anyone, or by <c>verify-audit</c>), without checking again.</summary>
    public async Task<IReadOnlyList<LastVerification>> LastVerificationAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.AuditLog, Operations.Retrieve, cancellationToken);
        return await verifications.LastAsync(cancellationToken);
    }

    /// <summary>The filters the query set (and the page it asked for), named as the API names them.</summary>
    private static List<AuditChange> Filters(AuditQuery query)
    {
        var filters = new List<AuditChange>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                filters.Add(new AuditChange(name, null, value));
            }
        }

        Add("patientId", query.PatientId?.ToString("D"));
        Add("actor", query.Actor);
        Add("resource", query.Resource?.ToString());
        Add("resourceId", query.ResourceId);
        Add("action", query.Action?.ToString());
        Add("from", query.From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("to", query.To?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("cursor", query.Cursor);
        return filters;
    }

    private async Task<AuditPatient?> LabelAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            return await patients.FindAsync(id, cancellationToken) is { } patient
                ? new AuditPatient(id, patient.Mrn, $"{patient.GivenName} {patient.FamilyName}")
                : null;
        }
        catch (ShardUnavailableException)
        {
            return null;
        }
    }
}

/// <summary>A page of the trail and the patients it names, by id.</summary>
public sealed record AuditTrailPage(Page<AuditEntryDto> Entries, IReadOnlyDictionary<Guid, AuditPatient> Patients);

/// <summary>A patient as the trail shows them.</summary>
public sealed record AuditPatient(Guid Id, string Mrn, string Name);
