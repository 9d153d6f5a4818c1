using System.Globalization;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Validation;
using MedicalPortal.Web.Authentication;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Studies;

/// <summary>One study: its details, its anonymized export, and who consented, each as far as the caller's role allows.</summary>
public sealed partial class StudyDetail
{
    private const int MaxListed = 100;

    private StudyDto? _study;
    private ExportPreview? _preview;
    private string? _previewError;
    private List<EnrollmentDto> _enrollments = [];
    private string? _participantsError;
    private string? _error;
    private UserRights _rights = UserRights.None;
    private List<BreadcrumbItem> _breadcrumbs = [new("Studies", "studies")];

    [Inject]
    private StudyService Studies { get; set; } = default!;

    [Inject]
    private EnrollmentService Enrollments { get; set; } = default!;

    [Inject]
    private ExportService Exports { get; set; } = default!;

    [Inject]
    private AccessControl Access { get; set; } = default!;

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

    private async Task LoadAsync(ICurrentUser user)
    {
        _rights = await Access.RightsAsync(user, CancellationToken.None);
        try
        {
            _study = await Studies.GetAsync(user, Id, CancellationToken.None);
            _breadcrumbs = [new("Studies", "studies"), new(_study.Title, null)];
            _preview = _rights.Can(Resource.Export, Operations.Retrieve) ? await PreviewAsync(user) : null;
            _enrollments = _rights.CanOnAllRecords(Resource.Enrollment, Operations.Retrieve) ? await ParticipantsAsync(user) : [];
            _error = null;
        }
        catch (Exception e) when (e is RecordNotFoundException or AccessDeniedException)
        {
            _study = null;
            _error = e.Message;
        }
    }

    /// <summary>
    /// The export's numbers read every shard: if one does not answer, the page still shows the study and says so,
    /// instead of failing as a whole.
    /// </summary>
    private async Task<ExportPreview?> PreviewAsync(ICurrentUser user)
    {
        try
        {
            _previewError = null;
            return await Exports.PreviewAsync(user, Id, CancellationToken.None);
        }
        catch (Exception e) when (e is not (AccessDeniedException or RecordNotFoundException or OperationCanceledException))
        {
            _previewError = $"The participant numbers are unavailable right now: {Unanswering(e)} did not answer. Downloads may fail until it is back.";
            return null;
        }
    }

    /// <summary>The consents are on every shard: if one does not answer, the page still shows the study and says so.</summary>
    private async Task<List<EnrollmentDto>> ParticipantsAsync(ICurrentUser user)
    {
        try
        {
            _participantsError = null;
            return [.. await Enrollments.ListForStudyAsync(user, Id, CancellationToken.None)];
        }
        catch (ShardUnavailableException e)
        {
            _participantsError = $"The participants cannot be listed right now: {Unanswering(e)} did not answer. Try again in a few minutes.";
            return [];
        }
    }

    /// <summary>
    /// A number of the preview: "fewer than k" when the service rounded it (<see cref="PreviewCount"/>), capitalized
    /// when it starts a sentence.
    /// </summary>
    private static string Number(PreviewCount count, int k, bool first = false) =>
        count.Exact is { } exact ? exact.ToString("N0", CultureInfo.CurrentCulture)
        : first ? $"Fewer than {k}"
        : $"fewer than {k}";

    /// <summary>
    /// What the export does to rare diagnosis codes, or null when it publishes them all as they are. Every number is
    /// 0, "fewer than k" or at least k (k is 2 or more), so the plural always fits.
    /// </summary>
    private static string? CodesSentence(ExportPreview preview)
    {
        var parts = new List<string>(2);
        if (preview.GeneralizedCodes.Exact != 0)
        {
            parts.Add($"{Number(preview.GeneralizedCodes, preview.K)} are shown only as their three-character category");
        }

        if (preview.SuppressedCodes.Exact != 0)
        {
            parts.Add($"{Number(preview.SuppressedCodes, preview.K)} are left out, too rare even as a category");
        }

        return parts.Count == 0
            ? null
            : $"Of the diagnosis codes, {string.Join(" and ", parts)}: fewer than {preview.K} of the exported patients hold each of them, and so rare a code could single a patient out.";
    }

    /// <summary>The shard a failure names, so that whoever runs it knows which; any other database failure names none.</summary>
    private static string Unanswering(Exception e) =>
        e is ShardUnavailableException { Shard.Length: > 0 } unavailable ? $"shard '{unavailable.Shard}'" : "a database";

    private async Task EditAsync()
    {
        var dialog = await Dialogs.ShowAsync<StudyFormDialog>("Edit study",
            new DialogParameters<StudyFormDialog> { { d => d.Study, _study } }, StudyFormDialog.Options);
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("Study saved.", Severity.Success);
        }

        await LoadAsync(await AuthenticationState.CurrentUserAsync());
    }

    private async Task CloseStudyAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Close study",
            $"Close \"{_study!.Title}\"? It takes no new consents afterwards; its data can still be exported.",
            yesText: "Close study", cancelText: "Keep open");
        if (confirmed != true)
        {
            return;
        }

        var study = _study;
        await RunAsync(async user =>
        {
            var input = new StudyInput
            {
                Title = study.Title, Description = study.Description, PrincipalInvestigator = study.PrincipalInvestigator,
                Status = StudyStatus.Closed, StartDate = study.StartDate,
                EndDate = study.EndDate ?? (Clock.Today < study.StartDate ? study.StartDate : Clock.Today),
            };
            await Studies.UpdateAsync(user, Id, input, study.Version, CancellationToken.None);
            Snackbar.Add("Study closed.", Severity.Success);
        });
    }

    private async Task DeleteAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete study", $"Delete \"{_study!.Title}\"? This cannot be undone.", yesText: "Delete", cancelText: "Keep");
        if (confirmed != true)
        {
            return;
        }

        await RunAsync(async user =>
        {
            await Studies.DeleteAsync(user, Id, _study.Version, CancellationToken.None);
            Snackbar.Add("Study deleted.", Severity.Success);
            Navigation.NavigateTo("studies");
        });
    }

    /// <summary>Runs an action; a refusal becomes a message and the page shows the current state.</summary>
    private async Task RunAsync(Func<ICurrentUser, Task> action)
    {
        try
        {
            await action(await AuthenticationState.CurrentUserAsync());
        }
        catch (Exception e) when (e is AccessDeniedException or RecordNotFoundException or ConcurrencyConflictException or ValidationFailedException)
        {
            Snackbar.Add(e.Message, Severity.Error);
        }

        await LoadAsync(await AuthenticationState.CurrentUserAsync());
    }
}
