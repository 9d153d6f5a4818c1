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
public sealed partial class PatientList : IDisposable
{
    private const int PageSize = 25;

    private string? _query;
    private string? _error;
    private IReadOnlyList<string> _unavailableShards = [];
    private IReadOnlyList<PatientDto> _patients = [];
    private bool _canRegister;

    // Whether a page is on its way, and whether one has arrived (until then the list says nothing about being empty).
    private bool _loading;
    private bool _loaded;

    // The load in flight: a newer search or page cancels it, and what it brings back is dropped.
    private CancellationTokenSource? _load;

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

    /// <summary>?register=true (the front desk's "Register a patient" on the home page): the register dialog opens at once.</summary>
    [SupplyParameterFromQuery(Name = "register")]
    public bool Register { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var user = await AuthenticationState.CurrentUserAsync();
        _canRegister = (await Access.RightsAsync(user, CancellationToken.None)).Can(Resource.Patient, Operations.Create);

        // Prerendering shows the page's frame only: the search runs (and is audited) once, in the interactive render.
        if (RendererInfo.IsInteractive)
        {
            await LoadAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && Register && _canRegister && RendererInfo.IsInteractive)
        {
            await RegisterAsync();
        }
    }

    public void Dispose()
    {
        _load?.Cancel();
        _load?.Dispose();
    }

    private async Task LoadAsync()
    {
        _load?.Cancel();
        _load?.Dispose();
        var load = _load = new CancellationTokenSource();
        _loading = true;
        try
        {
            var user = await AuthenticationState.CurrentUserAsync();
            var search = PatientSearch.Parse(_query, _cursors[_page], PageSize);
            var page = await Patients.SearchAsync(user, search, load.Token);
            if (load.IsCancellationRequested)
            {
                return; // A newer search started meanwhile (the user typed on): these results are stale.
            }

            if (page.NextCursor is not null && _cursors.Count == _page + 1)
            {
                _cursors.Add(page.NextCursor);
            }

            (_patients, _error, _unavailableShards) = (page.Items, null, page.UnavailableShards);
        }
        catch (OperationCanceledException) when (load.IsCancellationRequested)
        {
            // Replaced by a newer load, which shows its own results.
        }
        catch (Exception e) when (e is ValidationFailedException or AccessDeniedException or ShardUnavailableException)
        {
            if (!load.IsCancellationRequested)
            {
                (_patients, _error, _unavailableShards) = ([], e.Message, []);
            }
        }
        finally
        {
            if (ReferenceEquals(_load, load))
            {
                (_loading, _loaded) = (false, true);
            }
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
        return LoadAsync();
    }

    private Task NextAsync()
    {
        _page++;
        return LoadAsync();
    }

    private Task PreviousAsync()
    {
        _page--;
        return LoadAsync();
    }

    private void Open(PatientDto patient) => Navigation.NavigateTo($"patients/{patient.Id}");

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
