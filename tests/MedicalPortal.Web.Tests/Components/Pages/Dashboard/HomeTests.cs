using System.Security.Claims;
using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Identity;
using HomePage = MedicalPortal.Web.Components.Pages.Dashboard.Home;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Dashboard;

/// <summary>The home page as each role's dashboard: the cards its rights open, and figures that are right.</summary>
public sealed class HomeTests : ComponentTestContext
{
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(RoleNames.Admin, new[] { "card-visits-today", "card-front-desk", "card-recent-patients", "card-studies", "card-accounts", "card-audit", "card-system" })]
    [InlineData(RoleNames.Doctor, new[] { "card-visits-today", "card-front-desk", "card-recent-patients" })]
    [InlineData(RoleNames.Nurse, new[] { "card-visits-today", "card-recent-patients" })]
    [InlineData(RoleNames.Receptionist, new[] { "card-front-desk", "card-recent-patients" })]
    [InlineData(RoleNames.Researcher, new[] { "card-studies" })]
    public async Task Render_StaffRole_ShowsTheCardsItsRightsOpen(string role, string[] expected)
    {
        // Arrange
        await this.AddTestServicesAsync(role);

        // Act
        var cut = Render<HomePage>();

        // Assert: those cards, each loaded without an error.
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(expected, Cards(cut));
            Assert.Empty(cut.FindAll(".mud-progress-linear"));
        }, _patience);
        Assert.Empty(cut.FindAll("[data-testid='card-error']").Select(e => e.TextContent.Trim()));
    }

    [Fact]
    public async Task Render_RoleWithoutVisitRights_ShowsNoVisitsCard()
    {
        // Arrange: the admin takes every right on visits away from the Nurse role.
        await this.AddTestServicesAsync(RoleNames.Nurse);
        await Services.GetRequiredService<IRoleDirectory>().GrantAsync(AuditActor.System, RoleNames.Nurse, Resource.Visit, Operations.None, CancellationToken.None);

        // Act
        var cut = Render<HomePage>();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(["card-recent-patients"], Cards(cut)), _patience);
    }

    [Fact]
    public async Task Render_Clinician_CountsTodaysVisitsAndListsTheNewestWithTheirPatients()
    {
        // Arrange: two visits recorded today for two patients, one yesterday.
        await this.AddTestServicesAsync(RoleNames.Doctor);
        var patients = await Services.GetRequiredService<IPatientStore>().SeedAsync([("Ada", "Todayone"), ("Ben", "Todaytwo")]);
        var visits = Services.GetRequiredService<IVisitStore>();
        var now = DateTimeOffset.UtcNow;
        foreach (var patient in patients)
        {
            await visits.AddAsync(AuditActor.System, Visit.Record(patient.Id, patient.BirthDate, Checkup(now), now), CancellationToken.None);
        }

        await visits.AddAsync(AuditActor.System, Visit.Record(patients[0].Id, patients[0].BirthDate, Checkup(now.AddDays(-1)), now.AddDays(-1)), CancellationToken.None);

        // Act
        var cut = Render<HomePage>();

        // Assert: the count links to the day's list; each visit links to its patient.
        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid='visits-today-count']").TextContent.Trim()), _patience);
        Assert.Equal("today#visits", cut.Find("[data-testid='visits-today-count']").GetAttribute("href"));
        var card = cut.Find("[data-testid='card-visits-today']");
        Assert.Contains("Ada Todayone", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("Ben Todaytwo", card.TextContent, StringComparison.Ordinal);
        Assert.Contains(card.QuerySelectorAll("a"), a => a.GetAttribute("href") == $"patients/{patients[0].Id}");
    }

    [Fact]
    public async Task Render_FrontDesk_CountsTodaysRegistrationsAndOffersToRegister()
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Receptionist);
        await Services.GetRequiredService<IPatientStore>().SeedAsync([("Cleo", "Newtoday"), ("Dan", "Newtoday"), ("Eve", "Newtoday")]);

        // Act
        var cut = Render<HomePage>();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid='registrations-today-count']").TextContent.Trim()), _patience);
        var card = cut.Find("[data-testid='card-front-desk']");
        Assert.Contains(card.QuerySelectorAll("a"), a => a.GetAttribute("href") == "patients?register=true" && a.TextContent.Contains("Register a patient", StringComparison.Ordinal));
        Assert.Contains("Cleo Newtoday", card.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_Clinician_ListsThePatientsTheyOpened_MostRecentFirst_NotThoseOnlyListed()
    {
        // Arrange: the doctor opens two records and searches (which lists a third).
        await this.AddTestServicesAsync(RoleNames.Doctor);
        var seeded = await Services.GetRequiredService<IPatientStore>().SeedAsync([("Fay", "Openedfirst"), ("Gus", "Openedlast"), ("Hal", "Onlylisted")]);
        var service = Services.GetRequiredService<PatientService>();
        var doctor = new StaffUser(RoleNames.Doctor);
        await service.GetAsync(doctor, seeded[0].Id, CancellationToken.None);
        await service.GetAsync(doctor, seeded[1].Id, CancellationToken.None);
        await service.SearchAsync(doctor, PatientSearch.Parse("Onlylisted", null, 10), CancellationToken.None);

        // Act
        var cut = Render<HomePage>();

        // Assert
        cut.WaitForAssertion(
            () => Assert.Equal(
                [$"patients/{seeded[1].Id}", $"patients/{seeded[0].Id}"],
                cut.FindAll("[data-testid='card-recent-patients'] a[href^='patients/']").Select(a => a.GetAttribute("href"))),
            _patience);
    }

    [Fact]
    public async Task Render_Researcher_ShowsEachStudysConsentsRoundedAndItsLastExtraction()
    {
        // Arrange: six patients consent to a study, and one of them withdraws.
        await this.AddTestServicesAsync(RoleNames.Researcher);
        var now = DateTimeOffset.UtcNow;
        var study = await Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = "Dashboard test study", PrincipalInvestigator = "Dr. Test", Status = StudyStatus.Recruiting, StartDate = new DateOnly(2025, 1, 1),
        }, now), CancellationToken.None);
        var patients = await Services.GetRequiredService<IPatientStore>().SeedAsync(Enumerable.Range(0, 6).Select(i => ("Ivy", $"Consenter{(char)('a' + i)}")));
        var enrollments = Services.GetRequiredService<IEnrollmentStore>();
        var first = default(EnrollmentDto);
        foreach (var patient in patients)
        {
            first ??= await enrollments.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, now, now), CancellationToken.None);
            if (first.PatientId != patient.Id)
            {
                await enrollments.AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, now, now), CancellationToken.None);
            }
        }

        await enrollments.WithdrawAsync(AuditActor.System, first!.Id, now, CancellationToken.None);

        // Act
        var cut = Render<HomePage>();

        // Assert: 5 consenting (k = 5, shown exactly); 1 withdrawn, shown as "fewer than 5"; no extraction yet.
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid='study-row']")), _patience);
        var row = cut.FindAll("[data-testid='study-row']").Single(r => r.TextContent.Contains("Dashboard test study", StringComparison.Ordinal));
        Assert.Equal("5", row.QuerySelector("[data-testid='consenting']")!.TextContent.Trim());
        Assert.Equal("fewer than 5", row.QuerySelector("[data-testid='withdrawn']")!.TextContent.Trim());
        Assert.Contains("None yet", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_Admin_ShowsLockedAccountsChainsAsLastCheckedAndShards()
    {
        // Arrange: the chains are checked once.
        await this.AddTestServicesAsync(RoleNames.Admin);
        var admin = new StaffUser(RoleNames.Admin);
        await Services.GetRequiredService<AuditService>().VerifyAsync(admin, CancellationToken.None);

        // Act
        var cut = Render<HomePage>();

        // Assert
        cut.WaitForAssertion(() => Assert.StartsWith("All 3 chains intact", cut.Find("[data-testid='audit-state']").TextContent.Trim(), StringComparison.Ordinal), _patience);
        Assert.Equal("admin/audit/integrity", cut.Find("[data-testid='audit-state']").GetAttribute("href"));
        Assert.Equal("0", cut.Find("[data-testid='locked-accounts']").TextContent.Trim());
        Assert.Equal(2, cut.FindAll("[data-testid='card-system'] tr[data-shard]").Count);
    }

    [Fact]
    public async Task Render_Patient_ShowsTheirRecordConsentsAndNextSteps()
    {
        // Arrange: a patient without a phone number, and a study recruiting.
        var authorization = await this.AddTestServicesAsync(RoleNames.Patient);
        var now = DateTimeOffset.UtcNow;
        var patient = (await Services.GetRequiredService<IPatientStore>().SeedAsync([("Joy", "Ownhome")]))[0];
        await Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = "Open to join", PrincipalInvestigator = "Dr. Test", Status = StudyStatus.Recruiting, StartDate = new DateOnly(2025, 1, 1),
        }, now), CancellationToken.None);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, "test-account-0001"), new Claim(PortalClaimTypes.PatientId, patient.Id.ToString()));

        // Act
        var cut = Render<HomePage>();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(["card-my-record", "card-my-consents", "card-next-steps"], Cards(cut)), _patience);
        Assert.Contains("Joy Ownhome", cut.Find("[data-testid='card-my-record']").TextContent, StringComparison.Ordinal);
        Assert.Contains("You take part in no study.", cut.Find("[data-testid='card-my-consents']").TextContent, StringComparison.Ordinal);
        var steps = cut.Find("[data-testid='card-next-steps']").TextContent;
        Assert.Contains("Add your missing contact details", steps, StringComparison.Ordinal);
        Assert.Contains("Open to join", steps, StringComparison.Ordinal);
    }

    private static string[] Cards(IRenderedComponent<HomePage> cut) =>
        [.. cut.FindAll("[data-testid^='card-']").Select(c => c.GetAttribute("data-testid")!).Where(id => id != "card-error")];

    private static VisitInput Checkup(DateTimeOffset at) =>
        new() { StartedAt = at.AddMinutes(-5), Type = VisitType.Checkup, Clinician = "Dr. Test" };
}
