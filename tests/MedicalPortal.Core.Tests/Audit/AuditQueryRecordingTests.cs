using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Tests.Patients;
using MedicalPortal.Core.Tests.Permissions;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Tests.Audit;

/// <summary>
/// A query of the audit trail is itself a read of patient data (old and new values): the service records who asked,
/// with which filters, and which patients the page named, before it returns the page; and nothing when it refuses.
/// </summary>
public sealed class AuditQueryRecordingTests
{
    private static readonly Guid First = Guid.CreateVersion7();
    private static readonly Guid Second = Guid.CreateVersion7();
    private static readonly Guid Third = Guid.CreateVersion7();

    private readonly FakeAuditTrail _audit = new();
    private readonly PageStore _store = new();
    private readonly AuditService _service;

    public AuditQueryRecordingTests() =>
        _service = new AuditService(
            _store, new AccessControl(new FakePermissionStore()), _audit, new NoVerifications(), new FakePatientStore(), TimeProvider.System);

    [Fact]
    public async Task QueryAsync_PageNamingPatients_RecordsAReadOfTheAuditLogNamingEachOnce()
    {
        // Arrange: a change of one patient, and a search that showed two (one of them the same).
        _store.Page = [Entry(patientId: First, patientIds: []), Entry(patientId: null, patientIds: [First, Second])];
        var admin = TestUser.InRoles(RoleNames.Admin);

        // Act
        var page = await _service.QueryAsync(admin, new AuditQuery { PatientId = First, Action = AuditAction.Read }, CancellationToken.None);

        // Assert
        Assert.Equal(2, page.Items.Count);
        var access = Assert.Single(_audit.Accesses);
        Assert.Equal(
            (new AuditActor(admin.AccountId, admin.UserName!), AuditAction.Read, Resource.AuditLog, (string?)null),
            (access.Actor, access.Action, access.Resource, access.ResourceId));
        Assert.Equal(new[] { First, Second }.Order(), access.PatientIds.Order());
        Assert.Equal([new AuditChange("patientId", null, First.ToString("D")), new AuditChange("action", null, "Read")], access.Query);
    }

    [Fact]
    public async Task QueryAsync_EveryFilter_IsNamedInTheRecordAsTheApiNamesIt()
    {
        // Arrange
        var query = new AuditQuery
        {
            PatientId = Third,
            Actor = "  nurse ",
            Resource = Resource.Visit,
            ResourceId = "visit-1",
            Action = AuditAction.Update,
            From = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.FromHours(2)),
            To = new DateTimeOffset(2026, 1, 31, 0, 0, 0, TimeSpan.Zero),
            Cursor = "next-page",
        };

        // Act
        await _service.QueryAsync(TestUser.InRoles(RoleNames.Admin), query, CancellationToken.None);

        // Assert
        Assert.Equal(
            [
                new AuditChange("patientId", null, Third.ToString("D")),
                new AuditChange("actor", null, "nurse"),
                new AuditChange("resource", null, "Visit"),
                new AuditChange("resourceId", null, "visit-1"),
                new AuditChange("action", null, "Update"),
                new AuditChange("from", null, "2026-01-01T06:00:00.0000000Z"),
                new AuditChange("to", null, "2026-01-31T00:00:00.0000000Z"),
                new AuditChange("cursor", null, "next-page"),
            ],
            Assert.Single(_audit.Accesses).Query);
    }

    [Fact]
    public async Task QueryAsync_PageNamingNobody_IsStillRecorded()
    {
        // Act
        await _service.QueryAsync(TestUser.InRoles(RoleNames.Admin), new AuditQuery(), CancellationToken.None);

        // Assert
        var access = Assert.Single(_audit.Accesses);
        Assert.Equal((Resource.AuditLog, 0, 0), (access.Resource, access.PatientIds.Count, access.Query.Count));
    }

    [Fact]
    public async Task QueryAsync_RefusedOrInvalid_RecordsNothing()
    {
        // Act
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            _service.QueryAsync(TestUser.InRoles(RoleNames.Doctor), new AuditQuery(), CancellationToken.None));
        await Assert.ThrowsAsync<ValidationFailedException>(() => _service.QueryAsync(
            TestUser.InRoles(RoleNames.Admin),
            new AuditQuery { From = DateTimeOffset.UnixEpoch.AddDays(1), To = DateTimeOffset.UnixEpoch },
            CancellationToken.None));

        // Assert
        Assert.Empty(_audit.Accesses);
        Assert.Equal(0, _store.Queries);
    }

    private static AuditEntryDto Entry(Guid? patientId, IReadOnlyList<Guid> patientIds) => new(
        "shard-0", 1, DateTimeOffset.UnixEpoch, "someone", "someone@clinic.test", AuditAction.Read, Resource.Patient, null, patientId, [], patientIds, null);

    /// <summary>Answers every query with <see cref="Page"/>.</summary>
    private sealed class PageStore : IAuditStore
    {
        public IReadOnlyList<AuditEntryDto> Page { get; set; } = [];

        public int Queries { get; private set; }

        public Task<Page<AuditEntryDto>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
        {
            Queries++;
            return Task.FromResult(new Page<AuditEntryDto>(Page, null));
        }

        public Task<IReadOnlyList<ChainVerification>> VerifyAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ChainVerification>>([]);

        public Task<IReadOnlyList<OpenedRecord>> RecentlyOpenedByAsync(
            string actorId, Resource resource, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<OpenedRecord>>([]);
    }

    private sealed class NoVerifications : IAuditVerificationLog
    {
        public Task RecordAsync(
            IReadOnlyList<ChainVerification> results, string checkedBy, DateTimeOffset checkedAt, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task<IReadOnlyList<LastVerification>> LastAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<LastVerification>>([]);
    }
}
