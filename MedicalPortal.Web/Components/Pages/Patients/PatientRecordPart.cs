using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Patients;

/// <summary>
/// A part of <see cref="PatientDetail"/>: shows the record and the caller's rights as the page loaded them, and changes
/// the record through the page, which reads both again afterwards.
/// </summary>
public abstract class PatientRecordPart : ComponentBase
{
    [Parameter, EditorRequired]
    public PatientDto Patient { get; set; } = default!;

    /// <summary>What the caller may do, read once per load by the page.</summary>
    [Parameter, EditorRequired]
    public UserRights Rights { get; set; } = UserRights.None;

    /// <summary>Asks the page to read the record and the caller's rights again.</summary>
    [Parameter, EditorRequired]
    public EventCallback Reload { get; set; }

    /// <summary>
    /// Runs a change through the page, which shows a refusal, a vanished record, a conflict or a shard that does not
    /// answer, and reloads.
    /// </summary>
    [Parameter, EditorRequired]
    public EventCallback<Func<ICurrentUser, Task>> Run { get; set; }

    [Inject]
    protected IDialogService Dialogs { get; set; } = default!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    protected ClinicClock Clock { get; set; } = default!;

    /// <summary>Asks <paramref name="question"/>; runs <paramref name="change"/> through the page if the answer is <paramref name="yes"/>.</summary>
    protected async Task RunIfConfirmedAsync(string title, string question, string yes, Func<ICurrentUser, Task> change)
    {
        if (await Dialogs.ShowMessageBoxAsync(title, question, yesText: yes, cancelText: "Keep") == true)
        {
            await Run.InvokeAsync(change);
        }
    }
}
