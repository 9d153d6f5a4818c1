using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Validation;
using MedicalPortal.Web.Authentication;
using MedicalPortal.Web.Components.Shared;
using MedicalPortal.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Patients;

/// <summary>Registers a patient (no <see cref="Patient"/>) or edits one, with Core's rules shown inline.</summary>
public sealed partial class PatientFormDialog
{
    public static readonly DialogOptions Options = new() { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true };

    private InputModel _model = new();
    private EditContext _editContext = default!;
    private CoreValidator _validator = default!;
    private readonly RecordFormState _form = new();

    [Inject]
    private PatientService Patients { get; set; } = default!;

    [Inject]
    private ClinicClock Clock { get; set; } = default!;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>The patient to edit, or null to register a new one.</summary>
    [Parameter]
    public PatientDto? Patient { get; set; }

    protected override void OnInitialized()
    {
        _model = Patient is null ? new InputModel() : InputModel.From(Patient);
        _editContext = new EditContext(_model);
    }

    private ValidationErrors ValidateInput() => PatientRules.Validate(_model.ToInput().Cleaned(), Clock.Today);

    private void Cancel() => Dialog.Cancel();

    private async Task SaveAsync()
    {
        var user = await AuthenticationState.CurrentUserAsync();
        var saved = await _form.SaveAsync(_editContext, _validator, () => Patient is null
            ? Patients.RegisterAsync(user, _model.ToInput(), CancellationToken.None)
            : Patients.UpdateAsync(user, Patient.Id, _model.ToInput(), Patient.Version, CancellationToken.None));
        if (saved is not null)
        {
            Dialog.Close(DialogResult.Ok(saved));
        }
    }

    /// <summary>The form's values. Date pickers work with <see cref="DateTime"/>; Core gets a <see cref="DateOnly"/>.</summary>
    private sealed class InputModel
    {
        public string? Mrn { get; set; }

        public string? GivenName { get; set; }

        public string? FamilyName { get; set; }

        public DateTime? BirthDate { get; set; }

        public Sex? Sex { get; set; }

        public string? Phone { get; set; }

        public string? Email { get; set; }

        public string? AddressLine { get; set; }

        public string? City { get; set; }

        public string? State { get; set; }

        public string? PostalCode { get; set; }

        public static InputModel From(PatientDto patient) => new()
        {
            Mrn = patient.Mrn,
            GivenName = patient.GivenName,
            FamilyName = patient.FamilyName,
            BirthDate = patient.BirthDate.ToDateTime(TimeOnly.MinValue),
            Sex = patient.Sex,
            Phone = patient.Phone,
            Email = patient.Email,
            AddressLine = patient.AddressLine,
            City = patient.City,
            State = patient.State,
            PostalCode = patient.PostalCode,
        };

        public PatientInput ToInput() => new()
        {
            Mrn = Mrn,
            GivenName = GivenName,
            FamilyName = FamilyName,
            BirthDate = BirthDate is { } date ? DateOnly.FromDateTime(date) : null,
            Sex = Sex,
            Phone = Phone,
            Email = Email,
            AddressLine = AddressLine,
            City = City,
            State = State,
            PostalCode = PostalCode,
        };
    }
}
