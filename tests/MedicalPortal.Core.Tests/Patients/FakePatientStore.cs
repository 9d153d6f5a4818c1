using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;

namespace MedicalPortal.Core.Tests.Patients;

/// <summary>An in-memory <see cref="IPatientStore"/> that counts every call, so tests can see whether it was touched.</summary>
internal sealed class FakePatientStore : IPatientStore
{
    private readonly Dictionary<Guid, Patient> _patients = [];
    private readonly List<string> _attemptedMrns = [];
    private readonly List<AuditActor> _actors = [];

    /// <summary>Every call of an <see cref="IPatientStore"/> method, of any kind.</summary>
    public int Calls { get; private set; }

    public int UpdateCalls { get; private set; }

    /// <summary>The MRN of every <see cref="AddAsync"/> call, in order, including refused ones.</summary>
    public IReadOnlyList<string> AttemptedMrns => _attemptedMrns;

    /// <summary>How many of the next adds fail with <see cref="MrnTakenException"/>, as if another shard held the MRN.</summary>
    public int MrnCollisionsToSimulate { get; set; }

    public PatientSearch? LastSearch { get; private set; }

    /// <summary>The actor every change named, in order.</summary>
    public IReadOnlyList<AuditActor> Actors => _actors;

    public IReadOnlyCollection<Patient> Stored => _patients.Values;

    public bool Contains(Guid id) => _patients.ContainsKey(id);

    /// <summary>Puts a patient in the store without counting it as a call.</summary>
    public Patient Seed(Patient patient)
    {
        _patients.Add(patient.Id, patient);
        return patient;
    }

    public Task<PatientDto?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(_patients.GetValueOrDefault(id)?.ToDto());
    }

    public Task<PatientDto> AddAsync(AuditActor actor, Patient patient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patient);
        Calls++;
        _actors.Add(actor);
        _attemptedMrns.Add(patient.Mrn);
        if (MrnCollisionsToSimulate > 0)
        {
            MrnCollisionsToSimulate--;
            throw new MrnTakenException();
        }

        if (_patients.Values.Any(p => p.Mrn == patient.Mrn))
        {
            throw new MrnTakenException();
        }

        _patients.Add(patient.Id, patient);
        return Task.FromResult(patient.ToDto());
    }

    public Task<PatientDto> UpdateAsync(
        AuditActor actor, Guid id, int expectedVersion, PatientInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Calls++;
        UpdateCalls++;
        _actors.Add(actor);
        var patient = _patients.GetValueOrDefault(id) ?? throw new RecordNotFoundException(Resource.Patient);
        if (patient.Version != expectedVersion)
        {
            throw new ConcurrencyConflictException(Resource.Patient, patient.Version);
        }

        patient.Update(input, now);
        return Task.FromResult(patient.ToDto());
    }

    public Task DeleteAsync(AuditActor actor, Guid id, int? expectedVersion, CancellationToken cancellationToken)
    {
        Calls++;
        _actors.Add(actor);
        if (!_patients.Remove(id))
        {
            throw new RecordNotFoundException(Resource.Patient);
        }

        return Task.CompletedTask;
    }

    public Task<Page<PatientDto>> SearchAsync(PatientSearch search, CancellationToken cancellationToken)
    {
        Calls++;
        LastSearch = search;
        var items = _patients.Values
            .Where(p => search.OnlyPatientId is null || p.Id == search.OnlyPatientId)
            .Select(p => p.ToDto())
            .Order(Comparer<PatientDto>.Create((a, b) => PatientSortKey.Of(a).CompareTo(PatientSortKey.Of(b))))
            .Take(search.Limit)
            .ToList();
        return Task.FromResult(new Page<PatientDto>(items, null));
    }

    public Task<RegisteredPatients> RegisteredBetweenAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        Calls++;
        var registered = _patients.Values.Where(p => p.CreatedAt >= from && p.CreatedAt < to).ToList();
        var newest = registered.OrderByDescending(p => p.CreatedAt).Take(limit).Select(p => new RegisteredPatient(p.ToDto(), p.CreatedAt)).ToList();
        return Task.FromResult(new RegisteredPatients(registered.Count, newest, []));
    }
}
