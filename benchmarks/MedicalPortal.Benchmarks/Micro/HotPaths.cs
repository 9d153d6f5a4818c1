using BenchmarkDotNet.Attributes;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Audit;

namespace MedicalPortal.Benchmarks.Micro;

/// <summary>
/// The hot paths every request or exported row goes through, one at a time: where a shard lookup starts, one research
/// row, one audit seal, one permission check (against a cached matrix), the audit chain's statements that every
/// audited save opens.
/// </summary>
[MemoryDiagnoser]
public class HotPaths : IDisposable
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateOnly ExportDate = new(2026, 6, 1);

    private readonly Guid _patientId = Guid.Parse("0198f0a0-2026-7000-8000-0000000000ab");
    private readonly Anonymizer _anonymizer = new();
    private readonly AccessControl _access = new(new FixedMatrix());
    private readonly BenchUser _doctor = new();
    private StudyPseudonyms _pseudonyms = default!;
    private KAnonymityPlan _plan = default!;
    private ExportPatient _patient = default!;
    private AuditEntry _entry = default!;
    private InMemoryShard _shard = default!;

    [GlobalSetup]
    public void Setup()
    {
        _shard = new InMemoryShard(); // the audit head's statements read and lock real tables

        _pseudonyms = new StudyPseudonyms(Key, Guid.Parse("0198f0a0-2026-8000-8000-000000000001"));
        _patient = new ExportPatient(_patientId, new DateOnly(1958, 4, 2), Sex.Female, "02139",
        [
            new ExportVisit(new DateTimeOffset(2025, 3, 4, 9, 30, 0, TimeSpan.Zero), VisitType.FollowUp, 165.5m, 70.2m, 128, 82, 70, 36.8m, ["I10", "E11.9"]),
        ]);
        _plan = KAnonymityPlan.For(new Dictionary<QuasiIdentifiers, int> { [_anonymizer.QuasiIdentifiersOf(_patient, ExportDate)] = 10 }, 5);
        _entry = new AuditEntry
        {
            Sequence = 42,
            Timestamp = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero),
            ActorId = "account-1",
            ActorName = "doctor@clinic.test",
            Action = "Update",
            Resource = "Patient",
            ResourceId = _patientId.ToString(),
            PatientId = _patientId,
            Changes = """[{"property":"Phone","old":"(555) 010-1234","new":"(555) 010-9876"}]""",
            PreviousHash = new byte[32],
        };
    }

    [Benchmark(Description = "Bucket of a patient id (XxHash64)")]
    public int BucketRouting() => Buckets.ForPatient(_patientId);

    [Benchmark(Description = "Anonymize one patient with one visit")]
    public IReadOnlyList<ResearchRow> AnonymizeRow() => _anonymizer.Rows(_patient, _pseudonyms, _plan, ExportDate);

    [Benchmark(Description = "Seal one audit entry (HMAC-SHA256)")]
    public byte[] AuditHash() => AuditSeal.Compute(Key, _entry);

    [Benchmark(Description = "One permission check (matrix cached)")]
    public Task PermissionCheck() => _access.DemandAsync(_doctor, Resource.Visit, Operations.Create, CancellationToken.None);

    [Benchmark(Description = "Open and close the audit chain's statements (each audited save)")]
    public async Task AuditStatements()
    {
        await using var statements = new AuditChainStatements(_shard.Context);
    }

    [Benchmark(Description = "Lock and read the audit head with the fences, one command (each audited save), rolled back")]
    public async Task AuditHeadOpened()
    {
        await using var transaction = await _shard.Context.Database.BeginTransactionAsync();
        await using var statements = new AuditChainStatements(_shard.Context);
        await statements.OpenHeadAsync(CancellationToken.None);
        await transaction.RollbackAsync();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _shard?.Dispose();
        }
    }

    private sealed class FixedMatrix : IPermissionStore
    {
        private readonly Task<PermissionMatrix> _matrix = Task.FromResult(DefaultPermissions.Matrix);

        public Task<PermissionMatrix> GetMatrixAsync(CancellationToken cancellationToken) => _matrix;
    }

    private sealed class BenchUser : ICurrentUser
    {
        public bool IsAuthenticated => true;

        public string? AccountId => "account-1";

        public string? UserName => "doctor@clinic.test";

        public IReadOnlyCollection<string> Roles { get; } = [RoleNames.Doctor];

        public Guid? PatientId => null;
    }
}
