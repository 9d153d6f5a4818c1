using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Patients;

/// <summary>
/// One patient's record: the summary, the visits, the research studies, the patient's online account and who viewed
/// it. The page reads the record and what the caller may do with it; its parts show them and ask the page to read both
/// again after every change.
/// </summary>
public sealed partial class PatientDetail
{
    private PatientDto? _patient;
    private List<VisitDto> _visits = [];
    private string? _nextVisits;
    private string? _error;
    private UserRights _rights = UserRights.None;
    private List<EnrollmentDto> _enrollments = [];
    private Dictionary<Guid, StudyDto> _studies = [];
    private List<AuditEntryDto> _viewedBy = [];
    private bool _showsAccount;
    private AccountDto? _account;
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
    private AccountService Accounts { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter]
    public Guid Id { get; set; }

    /// <summary>The research studies card needs both the patient's consents and the studies they are to.</summary>
    private bool ShowsStudies =>
        _rights.Can(Resource.Enrollment, Operations.Retrieve) && _rights.Can(Resource.MedicalStudy, Operations.Retrieve);

    protected override Task OnParametersSetAsync() => ReloadAsync();

    private async Task ReloadAsync() => await LoadAsync(await AuthenticationState.CurrentUserAsync());

    /// <summary>Loads the record and what the caller may do with it: after a refusal the controls reflect the new rights.</summary>
    private async Task LoadAsync(ICurrentUser user)
    {
        _rights = await Access.RightsAsync(user, CancellationToken.None);
        try
        {
            _patient = await Patients.GetAsync(user, Id, CancellationToken.None);
            _breadcrumbs = [new("Patients", "patients"), new(PatientFormat.FullName(_patient), null)];
            var page = await VisitRecords.ListForPatientAsync(user, Id, cursor: null, limit: null, CancellationToken.None);
            _visits = [.. page.Items];
            _nextVisits = page.NextCursor;
            if (ShowsStudies)
            {
                _studies = (await Studies.ListAsync(user, CancellationToken.None)).ToDictionary(study => study.Id);
                _enrollments = [.. (await Enrollments.ListForPatientAsync(user, Id, CancellationToken.None))
                    .OrderBy(e => e.WithdrawnAt is not null).ThenByDescending(e => e.ConsentedAt)];
            }

            (_showsAccount, _account) = await OnlineAccountAsync(user);
            _viewedBy = _rights.Can(Resource.AuditLog, Operations.Retrieve)
                ? [.. (await Audit.QueryAsync(user, new AuditQuery { PatientId = Id, Action = AuditAction.Read, Limit = PageLimits.Max }, CancellationToken.None)).Items]
                : [];
            _error = null;
        }
        catch (Exception e) when (e is RecordNotFoundException or AccessDeniedException or ShardUnavailableException)
        {
            _patient = null;
            _error = e.Message;
            _breadcrumbs = [new("Patients", "patients")];
        }
    }

    /// <summary>
    /// Whether the online account section shows, and the account, for holders of Account Retrieve. A right taken away
    /// since the rights were read hides the section, not the record.
    /// </summary>
    private async Task<(bool Shows, AccountDto? Account)> OnlineAccountAsync(ICurrentUser user)
    {
        if (!_rights.Can(Resource.Account, Operations.Retrieve))
        {
            return (false, null);
        }

        try
        {
            return (true, await Accounts.FindForPatientAsync(user, Id, CancellationToken.None));
        }
        catch (AccessDeniedException)
        {
            return (false, null);
        }
    }

    private Task ShowOlderVisitsAsync() => RunAsync(async user =>
    {
        var page = await VisitRecords.ListForPatientAsync(user, Id, _nextVisits, limit: null, CancellationToken.None);
        _visits.AddRange(page.Items);
        _nextVisits = page.NextCursor;
    });

    /// <summary>
    /// Runs what one of the parts asks for (a change, or older visits): a refusal, a vanished record or a conflict
    /// becomes a message and the page reloads. A shard that does not answer becomes a message too, and the record stays
    /// as shown: nothing was written, and reading it again would fail the same way until the shard is back.
    /// </summary>
    private async Task RunAsync(Func<ICurrentUser, Task> change)
    {
        try
        {
            await change(await AuthenticationState.CurrentUserAsync());
        }
        catch (Exception e) when (e is AccessDeniedException or RecordNotFoundException or ConcurrencyConflictException)
        {
            Snackbar.Add(e.Message, Severity.Error);
            await ReloadAsync();
        }
        catch (ShardUnavailableException e)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }
    }
}
