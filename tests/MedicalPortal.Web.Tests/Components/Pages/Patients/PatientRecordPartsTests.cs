using Bunit;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Studies;
using MedicalPortal.Web.Components.Pages.Patients;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace MedicalPortal.Web.Tests.Components.Pages.Patients;

/// <summary>
/// The summary, studies and online-account parts of the patient record, each on its own: what they show of the record,
/// the actions the rights they are given allow (and no other), and the changes they hand to their page.
/// </summary>
public sealed class PatientRecordPartsTests : ComponentTestContext
{
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(RoleNames.Admin, new[] { "History", "Edit patient", "Delete patient" })]
    [InlineData(RoleNames.Doctor, new[] { "Edit patient" })]
    [InlineData(RoleNames.Receptionist, new[] { "Edit patient" })]
    [InlineData(RoleNames.Researcher, new string[0])]
    public async Task Summary_GivenRights_ShowsExactlyTheRecordActionsTheyAllow(string role, string[] expected)
    {
        // Arrange
        var patient = await SeedPatientAsync(role);

        // Act
        var cut = Render<PatientSummary>(p => p
            .Add(c => c.Patient, patient).Add(c => c.Rights, RightsOf(role)).Add(c => c.VisitCount, 0));

        // Assert
        Assert.Equal(expected, cut.FindAll("a.mud-button-root, button").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public async Task Summary_ShowsWhoThePatientIsAndADashForContactTheyHaveNotGiven()
    {
        // Arrange: a patient with an e-mail and no phone.
        await this.AddTestServicesAsync(RoleNames.Nurse);
        var now = DateTimeOffset.UtcNow;
        var patient = await Services.GetRequiredService<IPatientStore>().AddAsync(AuditActor.System, Patient.Register(
            Guid.CreateVersion7(now), Mrn.Generate(), TestPatients.Input("Sam", "Summary") with { Email = "sam.summary@example.test", Phone = null }, now),
            CancellationToken.None);

        // Act
        var cut = Render<PatientSummary>(p => p
            .Add(c => c.Patient, patient).Add(c => c.Rights, RightsOf(RoleNames.Nurse)).Add(c => c.VisitCount, 0));

        // Assert
        Assert.Equal("Sam Summary", cut.Find("h1").TextContent.Trim());
        Assert.Equal(patient.Mrn, cut.Find("[data-testid='mrn']").TextContent.Trim());
        Assert.Contains($"born {patient.BirthDate:yyyy-MM-dd} (age {PatientFormat.AgeOn(patient.BirthDate, DateOnly.FromDateTime(DateTime.UtcNow))})", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("—", cut.Find("[data-testid='contact-phone']").TextContent.Trim());
        Assert.Contains("sam.summary@example.test", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_DeleteConfirmed_HandsTheDeletionToThePage_AndNamesWhatGoesWithIt()
    {
        // Arrange: the page's runner is the test's; the dialogs show in the provider next to the part.
        var patient = await SeedPatientAsync(RoleNames.Admin);
        var runs = 0;
        var cut = Render(builder =>
        {
            builder.OpenComponent<MudDialogProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<PatientSummary>(1);
            builder.AddComponentParameter(2, nameof(PatientSummary.Patient), patient);
            builder.AddComponentParameter(3, nameof(PatientSummary.Rights), RightsOf(RoleNames.Admin));
            builder.AddComponentParameter(4, nameof(PatientSummary.VisitCount), 1);
            builder.AddComponentParameter(5, nameof(PatientSummary.Run), EventCallback.Factory.Create<Func<ICurrentUser, Task>>(this, _ => runs++));
            builder.CloseComponent();
        });

        // Act
        await cut.InvokeAsync(() => cut.FindAll("button").Single(b => b.TextContent.Trim() == "Delete patient").Click());
        cut.WaitForAssertion(() => Assert.Contains($"(MRN {patient.Mrn}) with all 1 visit?", cut.Find("[role='dialog']").TextContent, StringComparison.Ordinal), _patience);
        await cut.InvokeAsync(() => cut.FindAll("[role='dialog'] button").Single(b => b.TextContent.Trim() == "Delete").Click());

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(1, runs), _patience);
    }

    [Fact]
    public async Task Studies_ListEachConsentWithItsStudyAndState()
    {
        // Arrange: a current consent, a withdrawn one, and one whose study was deleted since.
        var patient = await SeedPatientAsync(RoleNames.Doctor);
        var (open, closed) = (await AddStudyAsync("Open heart study"), await AddStudyAsync("Finished sleep study"));
        var now = DateTimeOffset.UtcNow;
        var enrollments = new List<EnrollmentDto>
        {
            Enrollment(patient, open.Id, now.AddDays(-2), withdrawn: null),
            Enrollment(patient, closed.Id, now.AddDays(-30), withdrawn: now.AddDays(-10)),
            Enrollment(patient, Guid.CreateVersion7(), now.AddDays(-40), withdrawn: null),
        };

        // Act
        var cut = RenderStudies(patient, RoleNames.Doctor, enrollments, open, closed);

        // Assert
        var rows = cut.FindAll("[data-testid='patient-studies'] tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(["Open heart study", "Finished sleep study", "A study that no longer exists"], rows.Select(r => r[0]));
        Assert.Equal("Consenting", rows[0][2]);
        Assert.StartsWith("Withdrawn ", rows[1][2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RoleNames.Doctor, new[] { "Record consent" })]
    [InlineData(RoleNames.Admin, new[] { "Record consent", "Withdraw consent" })]
    [InlineData(RoleNames.Nurse, new string[0])]
    public async Task Studies_GivenRights_OfferOnlyWhatTheyAllow(string role, string[] expected)
    {
        // Arrange: one current consent.
        var patient = await SeedPatientAsync(role);
        var study = await AddStudyAsync("Rights study");

        // Act
        var cut = RenderStudies(patient, role, [Enrollment(patient, study.Id, DateTimeOffset.UtcNow.AddDays(-1), withdrawn: null)], study);

        // Assert
        Assert.Equal(expected, cut.FindAll("button").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public async Task Studies_None_SaysSo()
    {
        var patient = await SeedPatientAsync(RoleNames.Nurse);

        var cut = RenderStudies(patient, RoleNames.Nurse, []);

        Assert.Equal("Not taking part in any study.", cut.Find("[data-testid='patient-studies'] .mud-card-content").TextContent.Trim());
    }

    [Fact]
    public async Task OnlineAccount_None_SaysSoWithNothingToLock()
    {
        var patient = await SeedPatientAsync(RoleNames.Admin);

        var cut = RenderAccount(patient, RoleNames.Admin, account: null);

        Assert.Equal("This patient has no online account.", cut.Find("[data-testid='no-online-account']").TextContent.Trim());
        Assert.Empty(cut.FindAll("button"));
    }

    [Theory]
    [InlineData(RoleNames.Admin, false, "Active", new[] { "Lock account" })]
    [InlineData(RoleNames.Admin, true, "Locked", new[] { "Unlock account" })]
    [InlineData(RoleNames.Doctor, true, "Locked", new string[0])]
    public async Task OnlineAccount_ShowsItsStateAndOnlyTheActionTheRightsAllow(string role, bool locked, string state, string[] expected)
    {
        // Arrange: Account Retrieve is what makes the page show the part; Update is what offers locking.
        var patient = await SeedPatientAsync(role);
        var account = new AccountDto("account-1", "own.record@example.test", "Testy Recordpart", [RoleNames.Patient], locked, TwoFactorEnabled: false, patient.Id);

        // Act
        var cut = RenderAccount(patient, role, account);

        // Assert
        Assert.Equal("own.record@example.test", cut.Find("[data-testid='online-account-email']").TextContent.Trim());
        Assert.Equal(state, cut.Find("[data-testid='online-account-status']").TextContent.Trim());
        Assert.Equal(expected, cut.FindAll("button").Select(b => b.TextContent.Trim()));
    }

    private IRenderedComponent<PatientOnlineAccount> RenderAccount(PatientDto patient, string role, AccountDto? account) =>
        Render<PatientOnlineAccount>(p => p
            .Add(c => c.Patient, patient)
            .Add(c => c.Rights, RightsOf(role))
            .Add(c => c.Account, account));

    private IRenderedComponent<PatientStudies> RenderStudies(PatientDto patient, string role, IReadOnlyList<EnrollmentDto> enrollments, params StudyDto[] studies) =>
        Render<PatientStudies>(p => p
            .Add(c => c.Patient, patient)
            .Add(c => c.Rights, RightsOf(role))
            .Add(c => c.Enrollments, enrollments)
            .Add(c => c.Studies, studies.ToDictionary(s => s.Id)));

    private static EnrollmentDto Enrollment(PatientDto patient, Guid studyId, DateTimeOffset consented, DateTimeOffset? withdrawn) =>
        new(Guid.CreateVersion7(), studyId, patient.Id, consented, withdrawn, Version: 1);

    private async Task<StudyDto> AddStudyAsync(string title) =>
        await Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = title, PrincipalInvestigator = "Dr. Test", Status = StudyStatus.Recruiting, StartDate = new DateOnly(2025, 1, 1),
        }, DateTimeOffset.UtcNow), CancellationToken.None);

    private static UserRights RightsOf(string role) => UserRights.Of(new StaffUser(role), DefaultPermissions.Matrix);

    private async Task<PatientDto> SeedPatientAsync(string role)
    {
        await this.AddTestServicesAsync(role);
        return (await Services.GetRequiredService<IPatientStore>().SeedAsync([("Testy", "Recordpart")]))[0];
    }
}
