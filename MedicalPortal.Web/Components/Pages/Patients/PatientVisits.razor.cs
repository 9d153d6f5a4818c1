using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Components.Pages.Visits;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Patients;

/// <summary>The patient's visits, newest first, with recording, correcting and deleting as far as the caller's rights allow.</summary>
public sealed partial class PatientVisits
{
    [Inject]
    private VisitService VisitRecords { get; set; } = default!;

    /// <summary>The visits loaded so far, newest first.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<VisitDto> Visits { get; set; } = [];

    [Parameter]
    public bool HasOlderVisits { get; set; }

    /// <summary>Asks the page for the next, older page of visits.</summary>
    [Parameter]
    public EventCallback ShowOlder { get; set; }

    private async Task RecordAsync()
    {
        var dialog = await Dialogs.ShowAsync<VisitFormDialog>("Record visit",
            new DialogParameters<VisitFormDialog> { { d => d.PatientId, Patient.Id }, { d => d.PatientBirthDate, Patient.BirthDate } },
            VisitFormDialog.Options);
        if (await dialog.Result is { Canceled: false, Data: VisitDto })
        {
            Snackbar.Add("Visit recorded.", Severity.Success);
            await Reload.InvokeAsync();
        }
    }

    private async Task EditAsync(VisitDto visit)
    {
        var dialog = await Dialogs.ShowAsync<VisitFormDialog>("Edit visit",
            new DialogParameters<VisitFormDialog>
            {
                { d => d.PatientId, Patient.Id }, { d => d.PatientBirthDate, Patient.BirthDate }, { d => d.Visit, visit },
            },
            VisitFormDialog.Options);
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("Visit saved.", Severity.Success);
        }

        // Saved, refused or in conflict: the table and its controls show what is true now.
        await Reload.InvokeAsync();
    }

    private async Task DeleteAsync(VisitDto visit)
    {
        var question = $"Delete the visit of {Clock.Format(visit.StartedAt)}? This cannot be undone.";
        await RunIfConfirmedAsync("Delete visit", question, "Delete", async user =>
        {
            await VisitRecords.DeleteAsync(user, visit.Id, visit.Version, CancellationToken.None);
            Snackbar.Add("Visit deleted.", Severity.Success);
            await Reload.InvokeAsync();
        });
    }
}
