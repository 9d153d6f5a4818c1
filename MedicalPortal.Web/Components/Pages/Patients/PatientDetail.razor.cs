using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Authentication;
using MedicalPortal.Web.Components.Pages.Studies;
using MedicalPortal.Web.Components.Pages.Visits;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Patients;

/// <summary>One patient's record: contact details and visits, with the actions the caller's role allows.</summary>
public sealed partial class PatientDetail
{
    private static readonly DialogOptions FormOptions = new() { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true };

    private PatientDto? _patient;
    private List<VisitDto> _visits = [];
    private string? _nextVisits;
    private string? _error;
    private UserRights _rights = UserRights.None;
    private List<EnrollmentDto> _enrollments = [];
    private Dictionary<Guid, StudyDto> _studies = [];
    private List<AuditEntryDto> _viewedBy = [];
    private List<BreadcrumbItem> _breadcrumbs = [];

    [Inject]
    private PatientService Patients { get; set; } = default!;

    [Inject]
    private VisitService VisitRecords { get; set; } = default!;

    [Inject]
    private AccessControl Access { get; set; } = default!;

    [Inject]
    private AuditService Audit { get; set; } = default!;

    [Inject]
    private EnrollmentService Enrollments { get; set; } = default!;

    [Inject]
    private StudyService Studies { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ClinicClock Clock { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter]
    public Guid Id { get; set; }

    protected override async Task OnParametersSetAsync() => await LoadAsync(await AuthenticationState.CurrentUserAsync());

    /// <summary>Loads the record and what the caller may do with it: after a refusal the controls reflect the new rights.</summary>
    private async Task LoadAsync(ICurrentUser user)
    {
        _rights = await Access.RightsAsync(user, CancellationToken.None);
        try
        {
            _patient = await Patients.GetAsync(user, Id, CancellationToken.None);
            _breadcrumbs = [new("Patients", "patients"), new(PatientFormat.FullName(_patient), null, disabled: true)];
            var page = await VisitRecords.ListForPatientAsync(user, Id, cursor: null, limit: null, CancellationToken.None);
            _visits = [.. page.Items];
            _nextVisits = page.NextCursor;
            if (ShowsStudies)
            {
                _studies = (await Studies.ListAsync(user, CancellationToken.None)).ToDictionary(study => study.Id);
                _enrollments = [.. (await Enrollments.ListForPatientAsync(user, Id, CancellationToken.None))
                    .OrderBy(e => e.WithdrawnAt is not null).ThenByDescending(e => e.ConsentedAt)];
            }

            _viewedBy = _rights.Can(Resource.AuditLog, Operations.Retrieve)
                ? [.. (await Audit.QueryAsync(user, new AuditQuery { PatientId = Id, Action = AuditAction.Read, Limit = 10 }, CancellationToken.None)).Items]
                : [];
            _error = null;
        }
        catch (Exception e) when (e is RecordNotFoundException or AccessDeniedException)
        {
            _patient = null;
            _error = e.Message;
            _breadcrumbs = [new("Patients", "patients")];
        }
    }

    private async Task LoadMoreVisitsAsync()
    {
        var user = await AuthenticationState.CurrentUserAsync();
        var page = await VisitRecords.ListForPatientAsync(user, Id, _nextVisits, limit: null, CancellationToken.None);
        _visits.AddRange(page.Items);
        _nextVisits = page.NextCursor;
    }

    private async Task EditPatientAsync()
    {
        var dialog = await Dialogs.ShowAsync<PatientFormDialog>("Edit patient",
            new DialogParameters<PatientFormDialog> { { d => d.Patient, _patient } }, FormOptions);
        if (await dialog.Result is { Canceled: false, Data: PatientDto saved })
        {
            _patient = saved;
            Snackbar.Add("Patient saved.", Severity.Success);
        }
        else
        {
            // Someone else may have changed the record meanwhile (a conflict): show the latest values.
            await LoadAsync(await AuthenticationState.CurrentUserAsync());
        }
    }

    private async Task DeletePatientAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete patient",
            $"Delete {PatientFormat.FullName(_patient!)} (MRN {_patient!.Mrn}) with all {(_visits.Count == 1 ? "1 visit" : $"their visits")}? This cannot be undone.",
            yesText: "Delete", cancelText: "Keep");
        if (confirmed != true)
        {
            return;
        }

        await RunAsync(async user =>
        {
            await Patients.DeleteAsync(user, Id, _patient.Version, CancellationToken.None);
            Snackbar.Add("Patient deleted.", Severity.Success);
            Navigation.NavigateTo("patients");
        });
    }

    private async Task RecordVisitAsync()
    {
        var dialog = await Dialogs.ShowAsync<VisitFormDialog>("Record visit",
            new DialogParameters<VisitFormDialog> { { d => d.PatientId, Id }, { d => d.PatientBirthDate, _patient!.BirthDate } },
            FormOptions);
        if (await dialog.Result is { Canceled: false, Data: VisitDto })
        {
            Snackbar.Add("Visit recorded.", Severity.Success);
            await LoadAsync(await AuthenticationState.CurrentUserAsync());
        }
    }

    private async Task EditVisitAsync(VisitDto visit)
    {
        var dialog = await Dialogs.ShowAsync<VisitFormDialog>("Edit visit",
            new DialogParameters<VisitFormDialog>
            {
                { d => d.PatientId, Id }, { d => d.PatientBirthDate, _patient!.BirthDate }, { d => d.Visit, visit },
            },
            FormOptions);
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            Snackbar.Add("Visit saved.", Severity.Success);
        }

        await LoadAsync(await AuthenticationState.CurrentUserAsync());
    }

    private async Task DeleteVisitAsync(VisitDto visit)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete visit", $"Delete the visit of {Clock.Format(visit.StartedAt)}? This cannot be undone.",
            yesText: "Delete", cancelText: "Keep");
        if (confirmed != true)
        {
            return;
        }

        await RunAsync(async user =>
        {
            await VisitRecords.DeleteAsync(user, visit.Id, visit.Version, CancellationToken.None);
            Snackbar.Add("Visit deleted.", Severity.Success);
            await LoadAsync(user);
        });
    }

    private async Task RunAsync(Func<ICurrentUser, Task> action)
    {
        try
        {
            await action(await AuthenticationState.CurrentUserAsync());
        }
        catch (Exception e) when (e is AccessDeniedException or RecordNotFoundException or ConcurrencyConflictException)
        {
            Snackbar.Add(e.Message, Severity.Error);
            await LoadAsync(await AuthenticationState.CurrentUserAsync());
        }
    }

    private string StudyTitle(Guid studyId) => _studies.TryGetValue(studyId, out var study) ? study.Title : "A study that no longer exists";

    private async Task RecordConsentAsync()
    {
        var consenting = _enrollments.Where(e => e.WithdrawnAt is null).Select(e => e.StudyId).ToHashSet();
        var open = _studies.Values.Where(s => StudyFormat.TakesConsent(s) && !consenting.Contains(s.Id)).OrderBy(s => s.Title).ToList();
        var dialog = await Dialogs.ShowAsync<EnrollDialog>("Record consent to a study",
            new DialogParameters<EnrollDialog> { { d => d.PatientId, Id }, { d => d.Studies, open } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("Consent recorded.", Severity.Success);
            await LoadAsync(await AuthenticationState.CurrentUserAsync());
        }
    }

    private async Task WithdrawAsync(EnrollmentDto enrollment)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Withdraw consent",
            $"Withdraw {PatientFormat.FullName(_patient!)} from \"{StudyTitle(enrollment.StudyId)}\"? Their data is left out of every later export of the study.",
            yesText: "Withdraw", cancelText: "Keep");
        if (confirmed != true)
        {
            return;
        }

        await RunAsync(async user =>
        {
            await Enrollments.WithdrawAsync(user, enrollment.Id, CancellationToken.None);
            Snackbar.Add("Consent withdrawn.", Severity.Success);
            await LoadAsync(user);
        });
    }

    /// <summary>The research studies card needs both the patient's consents and the studies they are to.</summary>
    private bool ShowsStudies =>
        _rights.Can(Resource.Enrollment, Operations.Retrieve) && _rights.Can(Resource.MedicalStudy, Operations.Retrieve);
}
