using AngleSharp.Dom;
using Bunit;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Web.Components.Pages.Patients;
using MedicalPortal.Web.Tests.Infrastructure;
using static MedicalPortal.Web.Tests.Infrastructure.MudForms;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace MedicalPortal.Web.Tests.Components.Pages.Patients;

/// <summary>
/// The register-patient dialog, opened the way the patient list opens it. It shows Core's rules inline, stores nothing
/// while a rule is broken, and closes with the registered patient.
/// </summary>
public sealed class PatientFormDialogTests : ComponentTestContext
{
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Register_EmptyForm_ShowsTheRequiredMessagesAndStoresNothing()
    {
        // Arrange
        var (cut, _, store) = await OpenRegisterDialogAsync();
        var before = (await store.AllAsync()).Count;

        // Act
        RegisterButton(cut).Click();

        // Assert
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(["Given name is required."], MessagesUnder(cut, "Given name"));
            Assert.Equal(["Family name is required."], MessagesUnder(cut, "Family name"));
            Assert.Equal(["Birth date is required."], MessagesUnder(cut, "Birth date"));
        }, _patience);
        Assert.Equal(before, (await store.AllAsync()).Count);
        Assert.Single(cut.FindAll("[role='dialog']"));
    }

    [Fact]
    public async Task Register_InvalidEmail_ShowsTheEmailMessageAndStoresNothing()
    {
        // Arrange
        var (cut, _, store) = await OpenRegisterDialogAsync();
        FillValidPatient(cut, "Formemail");
        Input(cut, "E-mail").Input("not-an-email");

        // Act
        RegisterButton(cut).Click();

        // Assert
        cut.WaitForAssertion(
            () => Assert.Equal(["Enter an e-mail address such as name@example.com."], MessagesUnder(cut, "E-mail")), _patience);
        Assert.Empty(MessagesUnder(cut, "Given name"));
        Assert.Empty(await store.AllAsync());
        Assert.Single(cut.FindAll("[role='dialog']"));
    }

    [Fact]
    public async Task Email_TypedInvalidBeforeSubmit_ShowsOnlyThatFieldsMessage()
    {
        // Arrange
        var (cut, _, _) = await OpenRegisterDialogAsync();

        // Act
        Input(cut, "E-mail").Input("not-an-email");

        // Assert: untouched fields stay quiet until a submit is attempted.
        cut.WaitForAssertion(
            () => Assert.Equal(["Enter an e-mail address such as name@example.com."], MessagesUnder(cut, "E-mail")), _patience);
        Assert.Empty(MessagesUnder(cut, "Given name"));
        Assert.Empty(MessagesUnder(cut, "Birth date"));
    }

    [Fact]
    public async Task Register_ValidForm_StoresThePatientAndClosesWithIt()
    {
        // Arrange
        var (cut, dialog, store) = await OpenRegisterDialogAsync();
        FillValidPatient(cut, "Formvalid");
        Input(cut, "E-mail").Input("formvalid@example.test");

        // Act
        RegisterButton(cut).Click();
        var result = await dialog.Result.WaitAsync(_patience);

        // Assert
        Assert.NotNull(result);
        Assert.False(result.Canceled);
        var created = Assert.IsType<PatientDto>(result.Data);
        Assert.Equal(("Testy", "Formvalid", new DateOnly(1980, 1, 2), Sex.Female, "formvalid@example.test"),
            (created.GivenName, created.FamilyName, created.BirthDate, created.Sex, created.Email));
        Assert.True(Mrn.HasValidCheckDigit(created.Mrn), "The server did not assign an MRN.");
        Assert.Equal(created, await store.FindAsync(created.Id, CancellationToken.None));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[role='dialog']")), _patience);
    }

    [Fact]
    public async Task Register_MrnAlreadyTaken_ShowsTheServersMessageUnderMrn()
    {
        // Arrange
        var (cut, _, store) = await OpenRegisterDialogAsync();
        var now = DateTimeOffset.UtcNow;
        await store.AddAsync(AuditActor.System, Patient.Register(Guid.CreateVersion7(now), "T-1001", TestPatients.Input("Testy", "Firstholder"), now), CancellationToken.None);
        FillValidPatient(cut, "Secondholder");
        Input(cut, "MRN").Input("T-1001");

        // Act
        RegisterButton(cut).Click();

        // Assert
        cut.WaitForAssertion(
            () => Assert.Equal(["This MRN is already assigned to another patient."], MessagesUnder(cut, "MRN")), _patience);
        Assert.Single(await store.AllAsync());
        Assert.Single(cut.FindAll("[role='dialog']"));
    }

    [Fact]
    public async Task Save_RecordChangedMeanwhile_ShowsTheConflictAndKeepsTheNewerValues()
    {
        // Arrange: the dialog edits version 1, then someone else saves version 2.
        var (cut, store) = await RenderProvidersAsync();
        var now = DateTimeOffset.UtcNow;
        var original = await store.AddAsync(AuditActor.System,
            Patient.Register(Guid.CreateVersion7(now), Mrn.Generate(), TestPatients.Input("Testy", "Formconflict"), now), CancellationToken.None);
        var dialog = await ShowDialogAsync(cut, "Edit patient", original);
        cut.WaitForAssertion(() => SubmitButton(cut, "Save"), _patience);
        await store.UpdateAsync(AuditActor.System, original.Id, original.Version, TestPatients.Input("Testy", "Formconflict") with { City = "Firsttown" }, now, CancellationToken.None);
        Input(cut, "City").Input("Secondtown");

        // Act
        SubmitButton(cut, "Save").Click();

        // Assert
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.Find("[data-testid='conflict']").TextContent.Trim()), _patience);
        Assert.False(dialog.Result.IsCompleted);
        var stored = await store.FindAsync(original.Id, CancellationToken.None);
        Assert.Equal(("Firsttown", original.Version + 1), (stored?.City, stored?.Version));
    }

    [Fact]
    public async Task Save_ShardDownMeanwhile_ShowsTheMessageKeepsTheInputAndSavesItOnceTheShardIsBack()
    {
        // Arrange: the dialog is open on a patient; then the patient's shard stops answering.
        var (cut, store) = await RenderProvidersAsync();
        var now = DateTimeOffset.UtcNow;
        var original = await store.AddAsync(AuditActor.System,
            Patient.Register(Guid.CreateVersion7(now), Mrn.Generate(), TestPatients.Input("Testy", "Formoutage"), now), CancellationToken.None);
        var dialog = await ShowDialogAsync(cut, "Edit patient", original);
        cut.WaitForAssertion(() => SubmitButton(cut, "Save"), _patience);
        var shard = this.TakeDownShardOf(original.Id);
        Input(cut, "City").Input("Outagetown");

        // Act
        SubmitButton(cut, "Save").Click();

        // Assert: the message in the dialog, which stays open with what was typed; nothing was written.
        cut.WaitForAssertion(
            () => Assert.Equal(ShardUnavailableException.For(shard).Message, cut.Find("[data-testid='form-error']").TextContent.Trim()),
            _patience);
        Assert.False(dialog.Result.IsCompleted);
        Assert.Equal("Outagetown", Input(cut, "City").GetAttribute("value"));
        Assert.Equal("Formoutage", Input(cut, "Family name").GetAttribute("value"));
        this.BringBackShard(shard);
        Assert.Equal(original, await store.FindAsync(original.Id, CancellationToken.None));

        // And the same input saves once the shard is back.
        SubmitButton(cut, "Save").Click();
        var result = await dialog.Result.WaitAsync(_patience);
        Assert.Equal("Outagetown", Assert.IsType<PatientDto>(result?.Data).City);
    }

    [Fact]
    public async Task Cancel_FilledForm_ClosesCanceledAndStoresNothing()
    {
        // Arrange
        var (cut, dialog, store) = await OpenRegisterDialogAsync();
        FillValidPatient(cut, "Formcanceled");

        // Act
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        var result = await dialog.Result.WaitAsync(_patience);

        // Assert
        Assert.NotNull(result);
        Assert.True(result.Canceled);
        Assert.Empty(await store.AllAsync());
    }

    /// <summary>The register dialog, opened as PatientList opens it.</summary>
    private async Task<(IRenderedComponent<IComponent> Cut, IDialogReference Dialog, IPatientStore Store)> OpenRegisterDialogAsync()
    {
        var (cut, store) = await RenderProvidersAsync();
        var dialog = await ShowDialogAsync(cut, "Register patient", patient: null);
        cut.WaitForAssertion(() => SubmitButton(cut, "Register"), _patience);
        return (cut, dialog, store);
    }

    /// <summary>The providers MainLayout renders, on the test services.</summary>
    private async Task<(IRenderedComponent<IComponent> Cut, IPatientStore Store)> RenderProvidersAsync()
    {
        await this.AddTestServicesAsync(RoleNames.Doctor);
        var cut = Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
        });
        return (cut, Services.GetRequiredService<IPatientStore>());
    }

    private Task<IDialogReference> ShowDialogAsync(IRenderedComponent<IComponent> cut, string title, PatientDto? patient)
    {
        var dialogs = Services.GetRequiredService<IDialogService>();
        return cut.InvokeAsync(() => dialogs.ShowAsync<PatientFormDialog>(
            title,
            new DialogParameters<PatientFormDialog> { { d => d.Patient, patient } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true }));
    }

    /// <summary>Fills the required fields as a user would: typing, a typed date, and a pick from the list.</summary>
    private static void FillValidPatient(IRenderedComponent<IComponent> cut, string family)
    {
        Input(cut, "Given name").Input("Testy");
        Input(cut, "Family name").Input(family);
        Input(cut, "Birth date").Change("1980-01-02");

        cut.Find(".mud-select .mud-input-control").MouseDown();
        cut.WaitForAssertion(() => Assert.NotEmpty(SexOptions(cut)), _patience);
        SexOptions(cut).Single(o => o.TextContent.Trim() == "Female").Click();
        cut.WaitForAssertion(() => Assert.Equal("Female", Input(cut, "Sex").GetAttribute("value")), _patience);
    }

    private static IReadOnlyList<IElement> SexOptions(IRenderedComponent<IComponent> cut) =>
        cut.FindAll(".mud-popover-provider .mud-list-item");

    private static IElement RegisterButton(IRenderedComponent<IComponent> cut) => SubmitButton(cut, "Register");
}
