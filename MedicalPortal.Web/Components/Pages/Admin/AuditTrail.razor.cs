using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Validation;
using MedicalPortal.Web.Api.Audit;
using MedicalPortal.Web.Authentication;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Admin;

/// <summary>The audit trail of every database, newest first, filtered; also a record's history (?patientId=, ?resourceId=).</summary>
public sealed partial class AuditTrail
{
    private const int PageSize = 25;

    private string? _patientId;
    private string? _actor;
    private string? _resourceId;
    private Resource? _resource;
    private AuditAction? _action;
    private DateTime? _from;
    private DateTime? _to;
    private List<AuditEntryDto>? _entries;
    private IReadOnlyDictionary<Guid, AuditPatient> _patients = new Dictionary<Guid, AuditPatient>();
    private bool _canOpenPatients;
    private string _downloadLink = AuditDownloads.Path;
    private string? _error;
    private List<string?> _cursors = [null];
    private int _page;

    [Inject]
    private AuditService Audit { get; set; } = default!;

    [Inject]
    private ClinicClock Clock { get; set; } = default!;

    [Inject]
    private AccessControl Access { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "patientId")]
    public string? PatientIdQuery { get; set; }

    [SupplyParameterFromQuery(Name = "resourceId")]
    public string? ResourceIdQuery { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _patientId = PatientIdQuery;
        _resourceId = ResourceIdQuery;
        var rights = await Access.RightsAsync(await AuthenticationState.CurrentUserAsync(), CancellationToken.None);
        _canOpenPatients = rights.CanOnAllRecords(Resource.Patient, Operations.Retrieve);
        await LoadAsync();
    }

    private Task SearchAsync()
    {
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

    private async Task LoadAsync()
    {
        try
        {
            Guid? patientId = null;
            if (!string.IsNullOrWhiteSpace(_patientId))
            {
                patientId = Guid.TryParse(_patientId.Trim(), out var parsed)
                    ? parsed
                    : throw new ValidationFailedException("patientId", "A patient id looks like 0193a5b2-7c1e-7d44-9a2b-5f3c8e1d2a40.");
            }

            var query = new AuditQuery
            {
                PatientId = patientId,
                Actor = _actor,
                ResourceId = string.IsNullOrWhiteSpace(_resourceId) ? null : _resourceId.Trim(),
                Resource = _resource,
                Action = _action,
                From = _from is { } from ? Clock.FromClinic(from.Date) : null,
                To = _to is { } to ? Clock.FromClinic(to.Date.AddDays(1)) : null,
                Cursor = _cursors[_page],
                Limit = PageSize,
            };
            var trail = await Audit.ReadTrailAsync(await AuthenticationState.CurrentUserAsync(), query, CancellationToken.None);
            var page = trail.Entries;
            _entries = [.. page.Items];
            _patients = trail.Patients;
            _downloadLink = AuditDownloads.Link(query);
            if (page.NextCursor is not null && _cursors.Count == _page + 1)
            {
                _cursors.Add(page.NextCursor);
            }

            _error = null;
        }
        catch (Exception e) when (e is ValidationFailedException or AccessDeniedException or ShardUnavailableException)
        {
            _error = e.Message;
            _entries ??= [];
        }
    }

    private static string Short(string? id) => id is null ? "" : id.Length > 13 ? $"{id[..8]}…" : id;

    private static Color ActionColor(AuditAction action) => action switch
    {
        AuditAction.Create => Color.Success,
        AuditAction.Update => Color.Info,
        AuditAction.Delete => Color.Error,
        AuditAction.Export => Color.Warning,
        _ => Color.Default,
    };
}
