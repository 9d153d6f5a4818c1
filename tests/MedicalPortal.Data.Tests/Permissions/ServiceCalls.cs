using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Tests.Infrastructure;

namespace MedicalPortal.Data.Tests.Permissions;

/// <summary>
/// One representative Core service call per resource and operation, each on fresh target records that are written
/// straight through the stores (so arranging never depends on the matrix under test). The Patient-role caller's own
/// record is the target patient, so a granted call succeeds within its own-record scope.
/// </summary>
internal sealed class ServiceCalls(ShardedDatabase db)
{
    private int _sequence;

    /// <summary>Every resource of the matrix: each has a Core service whose calls the matrix governs.</summary>
    public static IReadOnlyList<Resource> EveryResource { get; } =
        [Resource.Patient, Resource.Visit, Resource.MedicalStudy, Resource.Enrollment, Resource.Account, Resource.Role, Resource.AuditLog, Resource.Export];

    public static IReadOnlyList<Operations> EveryOperation { get; } =
        [Operations.Create, Operations.Retrieve, Operations.Update, Operations.Delete];

    private static CancellationToken None => CancellationToken.None;

    /// <summary>
    /// The operations a resource has at all: the audit log is append-only and an export is a reading of a study, so
    /// for both reading is all there is.
    /// </summary>
    public static IReadOnlyList<Operations> OperationsOf(Resource resource) =>
        resource is Resource.AuditLog or Resource.Export ? [Operations.Retrieve] : EveryOperation;

    /// <summary>Writes the targets of one call and returns it, with the patient record a Patient-role caller owns.</summary>
    public async Task<Call> ArrangeAsync(Resource resource, Operations operation)
    {
        var n = Interlocked.Increment(ref _sequence);
        var own = TestPatients.New(family: "Probe");
        await db.Get<IPatientStore>().AddAsync(AuditActor.System, own, None);

        Func<ICurrentUser, Task> invoke = resource switch
        {
            Resource.Patient => PatientCall(own, operation),
            Resource.Visit => await VisitCallAsync(own, operation),
            Resource.MedicalStudy => await StudyCallAsync(operation),
            Resource.Enrollment => await EnrollmentCallAsync(own, operation),
            Resource.Account => await AccountCallAsync(operation),
            Resource.Role => await RoleCallAsync(operation, $"Probe role {n}"),
            Resource.AuditLog => user => db.Get<Core.Audit.AuditService>().QueryAsync(user, new Core.Audit.AuditQuery { Limit = 1 }, None),
            Resource.Export => await ExportCallAsync(),
            _ => throw new ArgumentOutOfRangeException(nameof(resource), resource, "No Core service for this resource yet."),
        };
        return new Call(own.Id, invoke);
    }

    /// <summary>Success, the refusal, or what else went wrong.</summary>
    public static async Task<Outcome> OutcomeAsync(Func<Task> call)
    {
        try
        {
            await call();
            return new Outcome(Succeeded: true, Refusal: null, Failure: null);
        }
        catch (AccessDeniedException refusal)
        {
            return new Outcome(Succeeded: false, refusal, Failure: null);
        }
        catch (Exception failure)
        {
            // Any other exception is a finding to report with the others, not a reason to stop the enumeration.
            return new Outcome(Succeeded: false, Refusal: null, failure);
        }
    }

    private Func<ICurrentUser, Task> PatientCall(Patient own, Operations operation)
    {
        var patients = db.Get<PatientService>();
        return operation switch
        {
            Operations.Create => user => patients.RegisterAsync(user, TestPatients.Input(family: "Registered"), None),
            Operations.Retrieve => user => patients.GetAsync(user, own.Id, None),

            // A contact change: what a Patient-role caller may change on its own record.
            Operations.Update => user =>
                patients.UpdateAsync(user, own.Id, TestPatients.Input(family: "Probe") with { Phone = "+1 555 010 2030" }, own.Version, None),
            Operations.Delete => user => patients.DeleteAsync(user, own.Id, own.Version, None),
            _ => throw Unknown(operation),
        };
    }

    private async Task<Func<ICurrentUser, Task>> VisitCallAsync(Patient own, Operations operation)
    {
        var visits = db.Get<VisitService>();
        if (operation == Operations.Create)
        {
            return user => visits.RecordAsync(user, own.Id, TestVisits.Input(), None);
        }

        var visit = TestVisits.For(own);
        await db.Get<IVisitStore>().AddAsync(AuditActor.System, visit, None);
        return operation switch
        {
            Operations.Retrieve => user => visits.GetAsync(user, visit.Id, None),
            Operations.Update => user => visits.UpdateAsync(user, visit.Id, TestVisits.Input(reason: "Corrected"), visit.Version, None),
            Operations.Delete => user => visits.DeleteAsync(user, visit.Id, visit.Version, None),
            _ => throw Unknown(operation),
        };
    }

    private async Task<Func<ICurrentUser, Task>> ExportCallAsync()
    {
        var study = await db.Get<IStudyStore>().AddAsync(AuditActor.System, TestStudies.New(), None);
        return user => db.Get<Core.Export.ExportService>().DownloadAsync(user, study.Id, Stream.Null, None);
    }

    private async Task<Func<ICurrentUser, Task>> StudyCallAsync(Operations operation)
    {
        var studies = db.Get<StudyService>();
        if (operation == Operations.Create)
        {
            return user => studies.CreateAsync(user, TestStudies.Input(), None);
        }

        var study = await db.Get<IStudyStore>().AddAsync(AuditActor.System, TestStudies.New(), None);
        return operation switch
        {
            Operations.Retrieve => user => studies.GetAsync(user, study.Id, None),
            Operations.Update => user => studies.UpdateAsync(user, study.Id, TestStudies.Input(title: "Retitled"), study.Version, None),
            Operations.Delete => user => studies.DeleteAsync(user, study.Id, study.Version, None),
            _ => throw Unknown(operation),
        };
    }

    private async Task<Func<ICurrentUser, Task>> EnrollmentCallAsync(Patient own, Operations operation)
    {
        var enrollments = db.Get<EnrollmentService>();
        var study = await db.Get<IStudyStore>().AddAsync(AuditActor.System, TestStudies.New(StudyStatus.Recruiting), None);
        if (operation == Operations.Create)
        {
            return user => enrollments.EnrollAsync(user, study.Id, own.Id, TestPatients.Now.AddDays(-1), None);
        }

        var enrollment = await db.Get<IEnrollmentStore>().AddAsync(AuditActor.System,
            Enrollment.Consent(study.Id, own.Id, TestPatients.Now.AddDays(-2), TestPatients.Now), None);
        return operation switch
        {
            Operations.Retrieve => user => enrollments.GetAsync(user, enrollment.Id, None),
            Operations.Update => user =>
                enrollments.CorrectConsentAsync(user, enrollment.Id, TestPatients.Now.AddDays(-3), enrollment.Version, None),
            Operations.Delete => user => enrollments.WithdrawAsync(user, enrollment.Id, None),
            _ => throw Unknown(operation),
        };
    }

    private async Task<Func<ICurrentUser, Task>> AccountCallAsync(Operations operation)
    {
        var accounts = db.Get<AccountService>();
        switch (operation)
        {
            case Operations.Create:
                return user => accounts.CreateStaffAsync(user, TestAccounts.Staff(), None);
            case Operations.Retrieve:
                return user => accounts.ListStaffAsync(user, None);
        }

        var target = await db.Get<IAccountDirectory>().CreateStaffAsync(AuditActor.System, TestAccounts.Staff(RoleNames.Nurse), None);
        return operation switch
        {
            Operations.Update => user => accounts.ChangeRoleAsync(user, target.Id, RoleNames.Doctor, None),
            Operations.Delete => user => accounts.DeleteAsync(user, target.Id, None),
            _ => throw Unknown(operation),
        };
    }

    private async Task<Func<ICurrentUser, Task>> RoleCallAsync(Operations operation, string name)
    {
        var roles = db.Get<RoleService>();
        switch (operation)
        {
            case Operations.Create:
                return user => roles.CreateAsync(user, name, None);
            case Operations.Retrieve:
                return user => roles.ListAsync(user, None);
        }

        var target = await db.Get<IRoleDirectory>().CreateAsync(AuditActor.System, name, None);
        return operation switch
        {
            Operations.Update => user => roles.GrantAsync(user, target.Name, Resource.Export, Operations.Retrieve, None),
            Operations.Delete => user => roles.DeleteAsync(user, target.Name, None),
            _ => throw Unknown(operation),
        };
    }

    private static ArgumentOutOfRangeException Unknown(Operations operation) =>
        new(nameof(operation), operation, "Exactly one of Create, Retrieve, Update or Delete.");

    internal sealed record Call(Guid OwnPatientId, Func<ICurrentUser, Task> InvokeAsync);

    internal sealed record Outcome(bool Succeeded, AccessDeniedException? Refusal, Exception? Failure)
    {
        public override string ToString() =>
            Succeeded ? "success"
            : Refusal is not null ? $"refusal (AccessDeniedException, IsAuthenticated={Refusal.IsAuthenticated})"
            : $"{Failure!.GetType().Name}: {Failure.Message}";
    }
}
