using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Visits;

/// <summary>What a clinic expects of a visit record: a real time, a clinician, and vitals a human body can have.</summary>
public static class VisitRules
{
    public const int MaxDiagnosisCodes = 20;
    public const int ReasonMaxLength = 500;
    public const int NotesMaxLength = 4000;

    /// <summary>Clocks disagree a little; a visit a few minutes "in the future" is a clock, not a mistake.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(5);

    public static ValidationErrors Validate(VisitInput input, DateTimeOffset now, DateOnly patientBirthDate)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new ValidationErrors();

        if (input.StartedAt is not { } startedAt)
        {
            errors.Add("startedAt", "Visit date and time are required.");
        }
        else if (startedAt > now + ClockTolerance)
        {
            errors.Add("startedAt", "A visit cannot start in the future.");
        }
        // A birth date is a local calendar date while the visit is an instant: allow the day of time-zone difference.
        else if (DateOnly.FromDateTime(startedAt.UtcDateTime) < patientBirthDate.AddDays(-1))
        {
            errors.Add("startedAt", "A visit cannot be before the patient's birth date.");
        }

        if (input.Type is not { } type)
        {
            errors.Add("type", "Visit type is required.");
        }
        else if (!Enum.IsDefined(type))
        {
            errors.Add("type", "Visit type must be checkup, follow-up, emergency, telehealth or procedure.");
        }

        if (input.Clinician is null)
        {
            errors.Add("clinician", "Clinician is required.");
        }

        FieldRules.OptionalText(errors, "clinician", "Clinician", input.Clinician, FieldRules.NameMaxLength);
        FieldRules.OptionalText(errors, "reason", "Reason", input.Reason, ReasonMaxLength);
        FieldRules.OptionalText(errors, "notes", "Notes", input.Notes, NotesMaxLength);

        Range(errors, "heightCm", "Height", input.HeightCm, 20m, 280m, "cm", decimals: 1);
        Range(errors, "weightKg", "Weight", input.WeightKg, 0.2m, 700m, "kg", decimals: 2);
        Range(errors, "temperatureC", "Temperature", input.TemperatureC, 25m, 45m, "°C", decimals: 1);
        Range(errors, "systolic", "Systolic pressure", input.Systolic, 40, 300, "mmHg", decimals: 0);
        Range(errors, "diastolic", "Diastolic pressure", input.Diastolic, 20, 200, "mmHg", decimals: 0);
        Range(errors, "heartRate", "Heart rate", input.HeartRate, 20, 300, "beats per minute", decimals: 0);

        if (input.Systolic is null != input.Diastolic is null)
        {
            errors.Add(input.Systolic is null ? "systolic" : "diastolic",
                "Blood pressure needs both the systolic and the diastolic value.");
        }
        else if (input.Systolic <= input.Diastolic)
        {
            errors.Add("diastolic", "Diastolic pressure must be lower than systolic pressure.");
        }

        var codes = input.DiagnosisCodes ?? [];
        if (codes.Count > MaxDiagnosisCodes)
        {
            errors.Add("diagnosisCodes", $"Record at most {MaxDiagnosisCodes} diagnosis codes per visit.");
        }

        if (codes.Any(code => !Icd10.IsWellFormed(code)))
        {
            errors.Add("diagnosisCodes", "Diagnosis codes must be ICD-10 codes such as E11.9 or J45.909.");
        }

        return errors;
    }

    private static void Range(
        ValidationErrors errors, string field, string label, decimal? value, decimal min, decimal max, string unit, int decimals)
    {
        if (value is not { } v)
        {
            return;
        }

        if (v < min || v > max)
        {
            errors.Add(field, $"{label} must be between {min} and {max} {unit}.");
        }
        else if (decimal.Round(v, decimals) != v)
        {
            errors.Add(field, decimals == 0
                ? $"{label} must be a whole number."
                : $"{label} can have at most {decimals} decimal place{(decimals == 1 ? "" : "s")}.");
        }
    }
}
