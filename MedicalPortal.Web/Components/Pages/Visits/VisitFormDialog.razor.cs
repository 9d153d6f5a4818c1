using MedicalPortal.Core.Validation;
using MedicalPortal.Core.Visits;
using MedicalPortal.Web.Authentication;
using MedicalPortal.Web.Components.Shared;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Visits;

/// <summary>Records a visit for <see cref="PatientId"/>, or corrects <see cref="Visit"/>. Times are the clinic's wall clock.</summary>
public sealed partial class VisitFormDialog
{
    public static readonly DialogOptions Options = new() { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true };

    private static readonly Dictionary<string, string> FieldMap = new(StringComparer.Ordinal)
    {
        ["startedAt"] = nameof(InputModel.Date),
    };

    private static readonly char[] CodeSeparators = [',', ';', ' '];

    private InputModel _model = new();
    private EditContext _editContext = default!;
    private CoreValidator _validator = default!;
    private readonly RecordFormState _form = new();

    [Inject]
    private VisitService Visits { get; set; } = default!;

    [Inject]
    private ClinicClock Clock { get; set; } = default!;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter, EditorRequired]
    public Guid PatientId { get; set; }

    [Parameter, EditorRequired]
    public DateOnly PatientBirthDate { get; set; }

    /// <summary>The visit to correct, or null to record a new one.</summary>
    [Parameter]
    public VisitDto? Visit { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (Visit is not null)
        {
            _model = InputModel.From(Visit, Clock);
        }
        else
        {
            var now = Clock.Now;
            var user = await AuthenticationState.CurrentUserAsync();
            _model = new InputModel
            {
                Date = now.Date,
                Time = new TimeSpan(now.Hour, now.Minute, 0),
                Type = VisitType.Checkup,
                Clinician = user.DisplayName,
            };
        }

        _editContext = new EditContext(_model);
    }

    private ValidationErrors ValidateInput() =>
        VisitRules.Validate(ToInput().Cleaned(), Clock.Now, PatientBirthDate);

    private void Cancel() => Dialog.Cancel();

    private async Task SaveAsync()
    {
        var user = await AuthenticationState.CurrentUserAsync();
        var saved = await _form.SaveAsync(_editContext, _validator, () => Visit is null
            ? Visits.RecordAsync(user, PatientId, ToInput(), CancellationToken.None)
            : Visits.UpdateAsync(user, Visit.Id, ToInput(), Visit.Version, CancellationToken.None));
        if (saved is not null)
        {
            Dialog.Close(DialogResult.Ok(saved));
        }
    }

    private VisitInput ToInput() => new()
    {
        StartedAt = _model.Date is { } date ? Clock.FromClinic(date.Date + (_model.Time ?? TimeSpan.Zero)) : null,
        Type = _model.Type,
        Clinician = _model.Clinician,
        Reason = _model.Reason,
        HeightCm = _model.HeightCm,
        WeightKg = _model.WeightKg,
        Systolic = _model.Systolic,
        Diastolic = _model.Diastolic,
        HeartRate = _model.HeartRate,
        TemperatureC = _model.TemperatureC,
        DiagnosisCodes = (_model.DiagnosisCodes ?? "").Split(CodeSeparators, StringSplitOptions.RemoveEmptyEntries),
        Notes = _model.Notes,
    };

    private sealed class InputModel
    {
        public DateTime? Date { get; set; }

        public TimeSpan? Time { get; set; }

        public VisitType? Type { get; set; }

        public string? Clinician { get; set; }

        public string? Reason { get; set; }

        public decimal? HeightCm { get; set; }

        public decimal? WeightKg { get; set; }

        public decimal? TemperatureC { get; set; }

        public int? Systolic { get; set; }

        public int? Diastolic { get; set; }

        public int? HeartRate { get; set; }

        public string? DiagnosisCodes { get; set; }

        public string? Notes { get; set; }

        public static InputModel From(VisitDto visit, ClinicClock clock)
        {
            var local = clock.ToClinic(visit.StartedAt);
            return new InputModel
            {
                Date = local.Date,
                Time = new TimeSpan(local.Hour, local.Minute, 0),
                Type = visit.Type,
                Clinician = visit.Clinician,
                Reason = visit.Reason,
                HeightCm = visit.HeightCm,
                WeightKg = visit.WeightKg,
                TemperatureC = visit.TemperatureC,
                Systolic = visit.Systolic,
                Diastolic = visit.Diastolic,
                HeartRate = visit.HeartRate,
                DiagnosisCodes = string.Join(", ", visit.DiagnosisCodes),
                Notes = visit.Notes,
            };
        }
    }
}
