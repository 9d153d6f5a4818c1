using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Accounts;

/// <summary>
/// Patient self-registration. It needs no permission and can only ever produce the Patient role, linked to a new
/// patient record: never a staff role, never an existing record (matching on name and birth date would let anyone
/// claim somebody else's chart), never an existing account.
/// </summary>
public sealed class RegistrationService(IAccountDirectory accounts, IPatientStore patients, TimeProvider clock)
{
    private const int MrnAttempts = 5;
    private const string EmailTaken = "An account with this e-mail already exists. Sign in, or ask the clinic to reset your password.";

    public async Task<AccountDto> RegisterAsync(SelfRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var now = clock.GetUtcNow();
        var email = FieldRules.Clean(registration.Email)?.ToLowerInvariant();
        var input = registration.Patient.Cleaned() with { Mrn = null, Email = FieldRules.Clean(registration.Patient.Email) ?? email };

        var errors = PatientRules.Validate(input, DateOnly.FromDateTime(now.UtcDateTime));
        AccountRules.RequiredEmail(errors, "email", email);
        AccountRules.Password(errors, "password", registration.Password, email, $"{input.GivenName} {input.FamilyName}");
        errors.ThrowIfInvalid();

        if (await accounts.EmailInUseAsync(email!, cancellationToken))
        {
            throw new ValidationFailedException("email", EmailTaken);
        }

        // The actor is the person registering, named by the e-mail they register with.
        var actor = new AuditActor(null, $"self-registration {email}");
        var patient = await AddPatientAsync(actor, input, now, cancellationToken);
        try
        {
            return await accounts.CreatePatientAccountAsync(
                actor, email!, registration.Password!, $"{patient.GivenName} {patient.FamilyName}", patient.Id, cancellationToken);
        }
        catch
        {
            // No account, no record: a failed registration leaves nothing behind (such as a race for the same e-mail).
            await patients.DeleteAsync(actor, patient.Id, expectedVersion: null, CancellationToken.None);
            throw;
        }
    }

    private async Task<PatientDto> AddPatientAsync(AuditActor actor, PatientInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await patients.AddAsync(actor, Patient.Register(Guid.CreateVersion7(now), Mrn.Generate(), input, now), cancellationToken);
            }
            catch (MrnTakenException) when (attempt < MrnAttempts)
            {
            }
        }
    }
}
