using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Components.Pages.Patients;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Patients;

/// <summary>
/// One patient's record: the record, its visits, its consents, the patient's online account and who viewed it, each
/// with exactly the actions the caller's rights allow, and the rights read again after anything the caller does.
/// </summary>
public sealed class PatientDetailTests : ComponentTestContext
{
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    /// <summary>The controls each seeded role finds on a record with visits and one consent (the role's own, for Patient).</summary>
    public static TheoryData<string, string[]> ControlsByRole { get; } = new()
    {
        {
            RoleNames.Admin,
            ["Delete patient", "Delete visit", "Edit patient", "Edit visit", "History", "Record consent", "Record visit",
             "Withdraw consent", "online-account", "patient-studies", "viewed-by"]
        },
        { RoleNames.Doctor, ["Delete visit", "Edit patient", "Edit visit", "Record consent", "Record visit", "patient-studies"] },
        { RoleNames.Nurse, ["Edit patient", "Edit visit", "Record visit", "patient-studies"] },
        { RoleNames.Receptionist, ["Edit patient"] },
        { RoleNames.Patient, ["Edit patient", "Record consent", "Withdraw consent", "patient-studies"] },
    };

    [Theory]
    [MemberData(nameof(ControlsByRole))]
    public async Task Render_EachSeededRole_ShowsExactlyTheActionsItsRightsAllow(string role, string[] expected)
    {
        // Arrange
        var patient = await SeedAsync(role);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(patient.Mrn, cut.Find("[data-testid='mrn']").TextContent), _patience);
        Assert.Equal(expected, Controls(cut));
        Assert.Equal(2, VisitRows(cut).Count);
    }

    [Fact]
    public async Task Render_Doctor_ShowsTheRecordUnderItsHeadings()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Doctor);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("Testy Recordholder", cut.Find("h1").TextContent.Trim()), _patience);
        Assert.Equal(["Contact", "Visits", "Research studies"], cut.FindAll("h2").Select(h => h.TextContent.Trim()));
        Assert.Equal("555 010 3333", cut.Find("[data-testid='contact-phone']").TextContent.Trim());
        Assert.Equal("Consent test study", cut.Find("[data-testid='patient-studies'] tbody td").TextContent.Trim());
        Assert.Contains("Consenting", cut.Find("[data-testid='patient-studies'] tbody tr").TextContent, StringComparison.Ordinal);
        Assert.Equal(
            ["When", "Type", "Clinician", "Reason", "Weight", "BP", "HR", "Temp", "Diagnoses", "Actions"],
            cut.FindAll(".mud-table-head th").Select(th => th.TextContent.Trim()));
    }

    [Fact]
    public async Task Render_Admin_ListsTheirOwnReadUnderWhoViewedThisRecord()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Admin);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert: the page's own read is recorded before the record is shown.
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid='viewed-by'] tbody tr")), _patience);
        var row = cut.FindAll("[data-testid='viewed-by'] tbody tr").Single().QuerySelectorAll("td");
        Assert.Equal("test.user@clinic.test", row[1].TextContent.Trim());
        Assert.Contains("patient record", row[2].TextContent.Split(", "));
        Assert.Equal("Who viewed this record", cut.Find("[data-testid='viewed-by'] h2").TextContent.Trim());
        Assert.Equal($"admin/audit?patientId={patient.Id}", cut.FindAll("a").Single(a => a.TextContent.Trim() == "History").GetAttribute("href"));
    }

    [Fact]
    public async Task Render_UnknownPatient_SaysItWasNotFound()
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Doctor);

        // Act
        var cut = RenderPage(Guid.CreateVersion7());

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("The patient record was not found.", cut.Find("[data-testid='page-error']").TextContent.Trim()), _patience);
        Assert.Empty(cut.FindAll("h1"));
        Assert.Empty(cut.FindAll(".mud-progress-linear"));
    }

    [Fact]
    public async Task Render_PatientRoleOnAnotherPatientsRecord_SaysItWasNotFound()
    {
        // Arrange: the caller's own record is the seeded one; another one exists too.
        await SeedAsync(RoleNames.Patient);
        var other = (await Services.GetRequiredService<IPatientStore>().SeedAsync([("Testy", "Someoneelse")]))[0];

        // Act
        var cut = RenderPage(other.Id);

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("The patient record was not found.", cut.Find("[data-testid='page-error']").TextContent.Trim()), _patience);
        Assert.DoesNotContain("Someoneelse", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_RoleWithoutPatientRights_ShowsTheRefusal()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Researcher);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert
        cut.WaitForAssertion(
            () => Assert.Equal("Your role does not allow viewing Patient records.", cut.Find("[data-testid='page-error']").TextContent.Trim()),
            _patience);
        Assert.Empty(Controls(cut));
    }

    [Fact]
    public async Task Render_WhileTheRecordLoads_ShowsOnlyTheProgressBar()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Doctor, configure: GatedPatientStore.Install);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert
        Assert.NotEmpty(cut.FindAll(".mud-progress-linear"));
        Assert.Empty(cut.FindAll("h1"));
        Assert.Empty(cut.FindAll("[data-testid='page-error']"));
        Services.GetRequiredService<GatedPatientStore>().Open();
        cut.WaitForAssertion(() => Assert.Equal("Testy Recordholder", cut.Find("h1").TextContent.Trim()), _patience);
        Assert.Empty(cut.FindAll(".mud-progress-linear"));
    }

    [Fact]
    public async Task ShowOlderVisits_MoreVisitsThanAPage_AddsTheRestAndDisappears()
    {
        // Arrange: one more visit than a page holds (50).
        var patient = await SeedAsync(RoleNames.Nurse, visits: 51);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Assert.Equal(50, VisitRows(cut).Count), _patience);

        // Act
        await cut.InvokeAsync(() => Button(cut, "Show older visits").Click());

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(51, VisitRows(cut).Count), _patience);
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "Show older visits");
    }

    [Fact]
    public async Task Render_FewerVisitsThanAPage_HasNoShowOlderVisits()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Nurse);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(2, VisitRows(cut).Count), _patience);
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "Show older visits");
    }

    [Fact]
    public async Task Render_NoVisits_SaysSo()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Doctor, visits: 0);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("No visits recorded yet.", cut.Find("[data-testid='no-visits']").TextContent.Trim()), _patience);
    }

    [Fact]
    public async Task DeleteVisit_Confirmed_RemovesTheVisit()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Doctor);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Assert.Equal(2, VisitRows(cut).Count), _patience);

        // Act
        await cut.InvokeAsync(() => cut.FindAll("button[aria-label='Delete visit']")[0].Click());
        await ConfirmAsync(cut, "Delete");

        // Assert
        cut.WaitForAssertion(() => Assert.Single(VisitRows(cut)), _patience);
        cut.WaitForAssertion(() => Assert.Contains("Visit deleted.", Snackbars(cut)), _patience);
    }

    [Fact]
    public async Task DeleteVisit_RightRevokedMeanwhile_ShowsTheRefusalAndHidesTheControl()
    {
        // Arrange: the doctor opens the record; then an admin takes Delete on Visit away from the Doctor role.
        var patient = await SeedAsync(RoleNames.Doctor);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("button[aria-label='Delete visit']").Count), _patience);
        await Services.GetRequiredService<IRoleDirectory>().GrantAsync(
            AuditActor.System, RoleNames.Doctor, Resource.Visit, Operations.Create | Operations.Retrieve | Operations.Update, CancellationToken.None);

        // Act
        await cut.InvokeAsync(() => cut.FindAll("button[aria-label='Delete visit']")[0].Click());
        await ConfirmAsync(cut, "Delete");

        // Assert
        cut.WaitForAssertion(() => Assert.Contains("Your role does not allow deleting Visit records.", Snackbars(cut)), _patience);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("button[aria-label='Delete visit']")), _patience);
        Assert.Equal(2, cut.FindAll("button[aria-label='Edit visit']").Count);
        Assert.Equal(2, VisitRows(cut).Count);
    }

    [Fact]
    public async Task EditPatient_ClosedAfterSomeoneElseChangedTheRecord_ShowsTheLatestValues()
    {
        // Arrange: the doctor opens the edit dialog; meanwhile a colleague saves a new phone number.
        var patient = await SeedAsync(RoleNames.Doctor);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Assert.Equal("555 010 3333", cut.Find("[data-testid='contact-phone']").TextContent.Trim()), _patience);
        await cut.InvokeAsync(() => Button(cut, "Edit patient").Click());
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[role='dialog']")), _patience);
        await Services.GetRequiredService<IPatientStore>().UpdateAsync(
            AuditActor.System, patient.Id, patient.Version, Input(phone: "555 010 4444"), DateTimeOffset.UtcNow, CancellationToken.None);

        // Act
        await cut.InvokeAsync(() => cut.Find("[role='dialog']").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click());

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("555 010 4444", cut.Find("[data-testid='contact-phone']").TextContent.Trim()), _patience);
    }

    [Fact]
    public async Task WithdrawConsent_PatientConfirms_ShowsTheConsentWithdrawn()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Patient);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Button(cut, "Withdraw consent"), _patience);

        // Act
        await cut.InvokeAsync(() => Button(cut, "Withdraw consent").Click());
        await ConfirmAsync(cut, "Withdraw");

        // Assert
        cut.WaitForAssertion(
            () => Assert.StartsWith("Withdrawn ", cut.FindAll("[data-testid='patient-studies'] tbody td")[2].TextContent.Trim(), StringComparison.Ordinal),
            _patience);
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "Withdraw consent");
        cut.WaitForAssertion(() => Assert.Contains("Consent withdrawn.", Snackbars(cut)), _patience);
    }

    [Fact]
    public async Task DeletePatient_AdminConfirms_GoesBackToThePatientList()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Admin);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Button(cut, "Delete patient"), _patience);

        // Act
        await cut.InvokeAsync(() => Button(cut, "Delete patient").Click());
        cut.WaitForAssertion(
            () => Assert.Contains("Delete Testy Recordholder (MRN", cut.Find("[role='dialog']").TextContent, StringComparison.Ordinal), _patience);
        await ConfirmAsync(cut, "Delete");

        // Assert
        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.Equal("patients", navigation.ToBaseRelativePath(navigation.Uri)), _patience);
        Assert.Null(await Services.GetRequiredService<IPatientStore>().FindAsync(patient.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Render_PatientsShardDown_ShowsWhichShardCannotBeReached()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Doctor);
        var shard = this.TakeDownShardOf(patient.Id);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert
        cut.WaitForAssertion(
            () => Assert.Equal(ShardUnavailableException.For(shard).Message, cut.Find("[data-testid='page-error']").TextContent.Trim()),
            _patience);
        Assert.Empty(cut.FindAll("h1"));
        Assert.Empty(cut.FindAll(".mud-progress-linear"));
    }

    [Fact]
    public async Task DeletePatient_ShardDownMeanwhile_SaysSoAndKeepsTheRecordOnScreen()
    {
        // Arrange: the admin opens the record; then its shard stops answering.
        var patient = await SeedAsync(RoleNames.Admin);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Button(cut, "Delete patient"), _patience);
        var shard = this.TakeDownShardOf(patient.Id);

        // Act
        await cut.InvokeAsync(() => Button(cut, "Delete patient").Click());
        await ConfirmAsync(cut, "Delete");

        // Assert: the message, the record as it was, and nothing deleted.
        cut.WaitForAssertion(() => Assert.Contains(ShardUnavailableException.For(shard).Message, Snackbars(cut)), _patience);
        Assert.Equal("Testy Recordholder", cut.Find("h1").TextContent.Trim());
        Assert.Equal(2, VisitRows(cut).Count);
        var navigation = Services.GetRequiredService<NavigationManager>();
        Assert.NotEqual("patients", navigation.ToBaseRelativePath(navigation.Uri));
        this.BringBackShard(shard);
        Assert.NotNull(await Services.GetRequiredService<IPatientStore>().FindAsync(patient.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ShowOlderVisits_RightRevokedMeanwhile_ShowsTheRefusalInsteadOfFailing()
    {
        // Arrange: the nurse opens a record with more visits than a page; then an admin takes Retrieve on Visit away.
        var patient = await SeedAsync(RoleNames.Nurse, visits: 51);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Assert.Equal(50, VisitRows(cut).Count), _patience);
        await Services.GetRequiredService<IRoleDirectory>().GrantAsync(
            AuditActor.System, RoleNames.Nurse, Resource.Visit, Operations.Create | Operations.Update, CancellationToken.None);

        // Act
        await cut.InvokeAsync(() => Button(cut, "Show older visits").Click());

        // Assert
        cut.WaitForAssertion(() => Assert.Contains("Your role does not allow viewing Visit records.", Snackbars(cut)), _patience);
        cut.WaitForAssertion(
            () => Assert.Equal("Your role does not allow viewing Visit records.", cut.Find("[data-testid='page-error']").TextContent.Trim()),
            _patience);
    }

    [Fact]
    public async Task Render_AdminOnPatientWithOnlineAccount_ShowsItsEmailAndStatusAndOffersLock()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Admin);
        var account = await OpenOnlineAccountAsync(patient.Id);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(account.Email, cut.Find("[data-testid='online-account-email']").TextContent.Trim()), _patience);
        Assert.Equal("Online account", cut.Find("[data-testid='online-account'] h2").TextContent.Trim());
        Assert.Equal("Active", cut.Find("[data-testid='online-account-status']").TextContent.Trim());
        Assert.Contains("Lock account", Controls(cut));
        Assert.DoesNotContain("Unlock account", Controls(cut));
    }

    [Fact]
    public async Task Render_AdminOnPatientWithoutOnlineAccount_SaysSoWithNothingToLock()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Admin);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert
        cut.WaitForAssertion(
            () => Assert.Equal("This patient has no online account.", cut.Find("[data-testid='no-online-account']").TextContent.Trim()), _patience);
        Assert.DoesNotContain("Lock account", Controls(cut));
        Assert.DoesNotContain("Unlock account", Controls(cut));
    }

    [Theory]
    [InlineData(RoleNames.Doctor)]
    [InlineData(RoleNames.Nurse)]
    [InlineData(RoleNames.Receptionist)]
    public async Task Render_StaffWithoutAccountRightsOnPatientWithOnlineAccount_ShowsNoAccountSection(string role)
    {
        // Arrange
        var patient = await SeedAsync(role);
        var account = await OpenOnlineAccountAsync(patient.Id);

        // Act
        var cut = RenderPage(patient.Id);

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(2, VisitRows(cut).Count), _patience);
        Assert.Empty(cut.FindAll("[data-testid='online-account']"));
        Assert.DoesNotContain(account.Email, cut.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Lock account", Controls(cut));
    }

    [Fact]
    public async Task LockAccount_AdminConfirms_LocksItAndOffersUnlock()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Admin);
        var account = await OpenOnlineAccountAsync(patient.Id);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Button(cut, "Lock account"), _patience);

        // Act
        await cut.InvokeAsync(() => Button(cut, "Lock account").Click());
        cut.WaitForAssertion(() => Assert.Contains($"Lock {account.Email}?", cut.Find("[role='dialog']").TextContent, StringComparison.Ordinal), _patience);
        await ConfirmAsync(cut, "Lock");

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("Locked", cut.Find("[data-testid='online-account-status']").TextContent.Trim()), _patience);
        Assert.Contains("Unlock account", Controls(cut));
        Assert.DoesNotContain("Lock account", Controls(cut));
        Assert.True((await Services.GetRequiredService<IAccountDirectory>().FindAsync(account.Id, CancellationToken.None))!.IsLockedOut);
        cut.WaitForAssertion(() => Assert.Contains("The online account is locked: its sessions end within a minute.", Snackbars(cut)), _patience);
    }

    [Fact]
    public async Task LockAccount_AdminCancels_LeavesItActive()
    {
        // Arrange
        var patient = await SeedAsync(RoleNames.Admin);
        var account = await OpenOnlineAccountAsync(patient.Id);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Button(cut, "Lock account"), _patience);

        // Act
        await cut.InvokeAsync(() => Button(cut, "Lock account").Click());
        await ConfirmAsync(cut, "Cancel");

        // Assert
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[role='dialog']")), _patience);
        Assert.Equal("Active", cut.Find("[data-testid='online-account-status']").TextContent.Trim());
        Assert.False((await Services.GetRequiredService<IAccountDirectory>().FindAsync(account.Id, CancellationToken.None))!.IsLockedOut);
    }

    [Fact]
    public async Task UnlockAccount_AdminConfirms_UnlocksItAndOffersLock()
    {
        // Arrange: the clinic locked the account earlier.
        var patient = await SeedAsync(RoleNames.Admin);
        var account = await OpenOnlineAccountAsync(patient.Id);
        await Services.GetRequiredService<IAccountDirectory>().SetLockedAsync(AuditActor.System, account.Id, locked: true, CancellationToken.None);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Assert.Equal("Locked", cut.Find("[data-testid='online-account-status']").TextContent.Trim()), _patience);

        // Act
        await cut.InvokeAsync(() => Button(cut, "Unlock account").Click());
        await ConfirmAsync(cut, "Unlock");

        // Assert
        cut.WaitForAssertion(() => Assert.Equal("Active", cut.Find("[data-testid='online-account-status']").TextContent.Trim()), _patience);
        Assert.Contains("Lock account", Controls(cut));
        Assert.False((await Services.GetRequiredService<IAccountDirectory>().FindAsync(account.Id, CancellationToken.None))!.IsLockedOut);
        cut.WaitForAssertion(() => Assert.Contains("The online account is unlocked.", Snackbars(cut)), _patience);
    }

    [Fact]
    public async Task LockAccount_UpdateTakenAwayMeanwhile_SaysSoInTheSectionAndHidesTheButton()
    {
        // Arrange: a custom role may read the record and accounts and lock them; while its holder has the record open,
        // an admin takes Update on Account away.
        const string Desk = "Account desk";
        var patient = await SeedAsync(Desk);
        var account = await OpenOnlineAccountAsync(patient.Id);
        var roles = Services.GetRequiredService<IRoleDirectory>();
        await roles.CreateAsync(AuditActor.System, Desk, CancellationToken.None);
        await roles.GrantAsync(AuditActor.System, Desk, Resource.Patient, Operations.Retrieve, CancellationToken.None);
        await roles.GrantAsync(AuditActor.System, Desk, Resource.Visit, Operations.Retrieve, CancellationToken.None);
        await roles.GrantAsync(AuditActor.System, Desk, Resource.Account, Operations.Retrieve | Operations.Update, CancellationToken.None);
        var cut = RenderPage(patient.Id);
        cut.WaitForAssertion(() => Button(cut, "Lock account"), _patience);
        await roles.GrantAsync(AuditActor.System, Desk, Resource.Account, Operations.Retrieve, CancellationToken.None);

        // Act
        await cut.InvokeAsync(() => Button(cut, "Lock account").Click());
        await ConfirmAsync(cut, "Lock");

        // Assert: the refusal next to the account, which stays shown, unlocked, with nothing left to click.
        cut.WaitForAssertion(
            () => Assert.Equal("Your role does not allow changing Account records.", cut.Find("[data-testid='online-account-refusal']").TextContent.Trim()),
            _patience);
        cut.WaitForAssertion(() => Assert.DoesNotContain("Lock account", Controls(cut)), _patience);
        Assert.Equal("Active", cut.Find("[data-testid='online-account-status']").TextContent.Trim());
        Assert.False((await Services.GetRequiredService<IAccountDirectory>().FindAsync(account.Id, CancellationToken.None))!.IsLockedOut);
    }

    /// <summary>The patient's own online account, as self-registration would have opened it (synthetic address).</summary>
    private async Task<AccountDto> OpenOnlineAccountAsync(Guid patientId) =>
        await Services.GetRequiredService<IAccountDirectory>().CreatePatientAccountAsync(
            AuditActor.System, ApiRequests.UniqueEmail("online"), "Synthetic-Patient-Pass-2026", "Testy Recordholder", patientId, CancellationToken.None);

    /// <summary>
    /// A patient with <paramref name="visits"/> visits and a consent to an active study, seen by a caller in
    /// <paramref name="role"/>; a Patient-role caller is that patient.
    /// </summary>
    private async Task<PatientDto> SeedAsync(string role, int visits = 2, Action<IServiceCollection>? configure = null)
    {
        var authorization = await this.AddTestServicesAsync(configure, role);
        var now = DateTimeOffset.UtcNow;
        var patient = await Services.GetRequiredService<IPatientStore>().AddAsync(
            AuditActor.System, Patient.Register(Guid.CreateVersion7(now), Mrn.Generate(), Input(phone: "555 010 3333"), now), CancellationToken.None);
        for (var i = 0; i < visits; i++)
        {
            await Services.GetRequiredService<IVisitStore>().AddAsync(AuditActor.System, Visit.Record(patient.Id, patient.BirthDate, new VisitInput
            {
                StartedAt = now.AddDays(-1 - i), Type = VisitType.Checkup, Clinician = "Dr. Test", Reason = $"Check {i}",
            }, now), CancellationToken.None);
        }

        var study = await Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = "Consent test study", PrincipalInvestigator = "Dr. Test", Status = StudyStatus.Active, StartDate = new DateOnly(2025, 1, 1),
        }, now), CancellationToken.None);
        await Services.GetRequiredService<IEnrollmentStore>().AddAsync(AuditActor.System, Enrollment.Consent(study.Id, patient.Id, now.AddDays(-1), now), CancellationToken.None);
        if (role == RoleNames.Patient)
        {
            LinkToPatient(authorization, patient.Id);
        }

        return patient;
    }

    private static void LinkToPatient(BunitAuthorizationContext authorization, Guid patientId) =>
        authorization.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, "test-account-0001"),
            new Claim(PortalClaimTypes.PatientId, patientId.ToString()));

    private static PatientInput Input(string phone) => TestPatients.Input("Testy", "Recordholder") with { Phone = phone };

    private IRenderedComponent<IComponent> RenderPage(Guid id) => this.RenderInLayout<PatientDetail>((nameof(PatientDetail.Id), id));

    /// <summary>What the caller can act on: buttons and links by their text or label, and the sections by their test id.</summary>
    private static List<string> Controls(IRenderedComponent<IComponent> cut) =>
    [
        .. cut.FindAll("button, a.mud-button-root")
            .Select(control => control.GetAttribute("aria-label") ?? control.TextContent.Trim())
            .Concat(cut.FindAll("[data-testid='patient-studies'], [data-testid='online-account'], [data-testid='viewed-by']")
                .Select(section => section.GetAttribute("data-testid")!))
            .Where(name => name.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];

    private static IReadOnlyList<IElement> VisitRows(IRenderedComponent<IComponent> cut) => cut.FindAll(".mud-table-body tr");

    private static IElement Button(IRenderedComponent<IComponent> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static List<string> Snackbars(IRenderedComponent<IComponent> cut) =>
        [.. cut.FindAll(".mud-snackbar").Select(s => s.TextContent.Trim())];

    /// <summary>Answers the confirmation the page asks with the button <paramref name="yes"/>.</summary>
    private static async Task ConfirmAsync(IRenderedComponent<IComponent> cut, string yes)
    {
        cut.WaitForAssertion(
            () => Assert.Single(cut.FindAll("[role='dialog'] button"), b => b.TextContent.Trim() == yes), _patience);
        await cut.InvokeAsync(() => cut.FindAll("[role='dialog'] button").Single(b => b.TextContent.Trim() == yes).Click());
    }
}
