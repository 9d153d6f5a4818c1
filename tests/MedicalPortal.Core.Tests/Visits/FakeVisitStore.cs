using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Tests.Patients;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Tests.Visits;

/// <summary>An in-memory <see cref="IVisitStore"/> that counts every call; patients come from a <see cref="FakePatientStore"/>.</summary>
internal sealed class FakeVisitStore(FakePatientStore patients) : IVisitStore
{
    private readonly Dictionary<Guid, Visit> _visits = [];
    private readonly List<AuditActor> _actors = [];

    /// <summary>Every call of an <see cref="IVisitStore"/> method, of any kind.</summary>
    public int Calls { get; private set; }

    public int AddCalls { get; private set; }

    public int UpdateCalls { get; private set; }

    public IReadOnlyCollection<Visit> Stored => _visits.Values;

    /// <summary>The actor every change named, in order.</summary>
    public IReadOnlyList<AuditActor> Actors => _actors;

    /// <summary>Puts a visit in the store without counting it as a call.</summary>
    public Visit Seed(Visit visit)
    {
        _visits.Add(visit.Id, visit);
        return visit;
    }

    public Task<VisitDto?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(_visits.GetValueOrDefault(id)?.ToDto());
    }

    public Task<Page<VisitDto>?> ListForPatientAsync(Guid patientId, string? cursor, int limit, CancellationToken cancellationToken)
    {
        Calls++;
        if (!patients.Contains(patientId))
        {
            return Task.FromResult<Page<VisitDto>?>(null);
        }

        var items = _visits.Values
            .Where(v => v.PatientId == patientId)
            .OrderByDescending(v => v.StartedAt)
            .Take(limit)
            .Select(v => v.ToDto())
            .ToList();
        return Task.FromResult<Page<VisitDto>?>(new Page<VisitDto>(items, null));
    }

    public Task<VisitDto> AddAsync(AuditActor actor, Visit visit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(visit);
        Calls++;
        _actors.Add(actor);
        AddCalls++;
        if (!patients.Contains(visit.PatientId))
        {
            throw new RecordNotFoundException(Resource.Patient);
        }

        _visits.Add(visit.Id, visit);
        return Task.FromResult(visit.ToDto());
    }

    public Task<VisitDto> UpdateAsync(
        AuditActor actor, Guid id, int expectedVersion, DateOnly patientBirthDate, VisitInput input, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        Calls++;
        UpdateCalls++;
        _actors.Add(actor);
        var visit = _visits.GetValueOrDefault(id) ?? throw new RecordNotFoundException(Resource.Visit);
        if (visit.Version != expectedVersion)
        {
            throw new ConcurrencyConflictException(Resource.Visit, visit.Version);
        }

        visit.Update(patientBirthDate, input, now);
        return Task.FromResult(visit.ToDto());
    }

    public Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken)
    {
        Calls++;
        _actors.Add(actor);
        if (!_visits.Remove(id))
        {
            throw new RecordNotFoundException(Resource.Visit);
        }

        return Task.CompletedTask;
    }

    public Task<RecordedVisits> RecordedBetweenAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        Calls++;
        var recorded = _visits.Values.Where(v => v.CreatedAt >= from && v.CreatedAt < to).ToList();
        var newest = recorded
            .OrderByDescending(v => v.CreatedAt)
            .Take(limit)
            .Select(v => patients.Stored.First(p => p.Id == v.PatientId) is var patient
                ? new RecordedVisit(v.ToDto(), $"{patient.GivenName} {patient.FamilyName}", patient.Mrn, v.CreatedAt)
                : null!)
            .ToList();
        return Task.FromResult(new RecordedVisits(recorded.Count, newest, []));
    }
}
