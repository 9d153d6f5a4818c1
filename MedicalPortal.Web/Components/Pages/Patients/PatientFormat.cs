using MedicalPortal.Core.Patients;

namespace MedicalPortal.Web.Components.Pages.Patients;

/// <summary>How patient facts read on screen.</summary>
internal static class PatientFormat
{
    public static string Sex(Sex sex) => sex switch
    {
        Core.Patients.Sex.Female => "Female",
        Core.Patients.Sex.Male => "Male",
        Core.Patients.Sex.Other => "Other",
        _ => "Unknown",
    };

    /// <summary>A date as the clinic writes it everywhere: 1984-03-09 (ISO 8601, whatever the browser's culture).</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string FullName(PatientDto patient) => $"{patient.GivenName} {patient.FamilyName}";

    public static string Address(PatientDto patient)
    {
        var place = string.Join(" ", new[] { patient.State, patient.PostalCode }.Where(s => s is not null));
        var parts = new[] { patient.AddressLine, patient.City, place.Length > 0 ? place : null }.Where(s => s is not null);
        return string.Join(", ", parts) is { Length: > 0 } address ? address : "—";
    }

    public static int AgeOn(DateOnly birthDate, DateOnly today)
    {
        var age = today.Year - birthDate.Year;
        return birthDate.AddYears(age) > today ? age - 1 : age;
    }
}
