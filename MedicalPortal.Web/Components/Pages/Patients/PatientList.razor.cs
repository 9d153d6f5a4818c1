using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Validation;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Patients;

/// <summary>Every patient on every shard, a page at a time, found by name, MRN or birth date.</summary>
public sealed partial class PatientList
{
    private const int PageSize = 25;

    private MudDataGrid<PatientDto> _grid = default!;
    private string? _query;
    private string? _error;
    private IReadOnlyList<string> _unavailableShards = [];
    private bool _canRegister;

    // Search pages are cursor-based (stable across shards): remember the cursor that starts each page seen so far.
    private List<string?> _cursors = [null];
    private int _page;

    [Inject]
    private PatientService Patients { get; set; } = default!;

    [Inject]
    private AccessControl Access { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = await AuthenticationState.CurrentUserAsync();
        _canRegister = (await Access.RightsAsync(user, CancellationToken.None)).Can(Resource.Patient, Operations.Create);
    }

    private async Task<GridData<PatientDto>> LoadAsync(GridState<PatientDto> state, CancellationToken cancellationToken)
    {
        try
        {
            var user = await AuthenticationState.CurrentUserAsync();
            var search = PatientSearch.Parse(_query, _cursors[_page], PageSize);
            var page = await Patients.SearchAsync(user, search, cancellationToken);

            // A newer search started meanwhile (the user typed on): these results are stale, let the grid drop them.
            cancellationToken.ThrowIfCancellationRequested();

            if (page.NextCursor is not null && _cursors.Count == _page + 1)
            {
                _cursors.Add(page.NextCursor);
            }

            ShowNotices(error: null, page.UnavailableShards);
            return new GridData<PatientDto> { Items = page.Items, TotalItems = (_page * PageSize) + page.Items.Count };
        }
        catch (Exception e) when (e is ValidationFailedException or AccessDeniedException or ShardUnavailableException)
        {
            ShowNotices(e.Message, unavailableShards: []);
            return new GridData<PatientDto> { Items = [], TotalItems = 0 };
        }
    }

    // The grid's loader runs inside the grid: the page itself must re-render to show (or clear) its banners.
    private void ShowNotices(string? error, IReadOnlyList<string> unavailableShards)
    {
        if (_error != error || !_unavailableShards.SequenceEqual(unavailableShards, StringComparer.Ordinal))
        {
            _error = error;
            _unavailableShards = unavailableShards;
            StateHasChanged();
        }
    }

    /// <summary>What a search gathered from every shard lacks, naming the shards so that whoever runs them knows which.</summary>
    private static string MissingShardsNotice(IReadOnlyList<string> shards)
    {
        var names = shards.Count == 1 ? shards[0] : $"{string.Join(", ", shards.Take(shards.Count - 1))} and {shards[^1]}";
        return $"Some patients may be missing: {names} {(shards.Count == 1 ? "is" : "are")} not answering. "
            + "Results from the other shards are shown.";
    }

    private Task SearchAsync(string? query)
    {
        _query = query;
        _cursors = [null];
        _page = 0;
        return _grid.ReloadServerData();
    }

    private Task NextAsync()
    {
        _page++;
        return _grid.ReloadServerData();
    }

    private Task PreviousAsync()
    {
        _page--;
        return _grid.ReloadServerData();
    }

    private void Open(DataGridRowClickEventArgs<PatientDto> row)
    {
        if (row.Item is { } patient)
        {
            Navigation.NavigateTo($"patients/{patient.Id}");
        }
    }

    private async Task RegisterAsync()
    {
        var dialog = await Dialogs.ShowAsync<PatientFormDialog>("Register patient",
            new DialogParameters<PatientFormDialog> { { d => d.Patient, null } }, PatientFormDialog.Options);
        if (await dialog.Result is { Canceled: false, Data: PatientDto created })
        {
            Navigation.NavigateTo($"patients/{created.Id}");
        }
    }
}
