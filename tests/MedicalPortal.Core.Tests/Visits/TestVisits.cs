using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Tests.Visits;

/// <summary>A visit input that passes every rule against <see cref="Patients.TestPatients.Now"/>.</summary>
internal static class TestVisits
{
    public static VisitInput ValidInput() => new()
    {
        StartedAt = Patients.TestPatients.Now.AddHours(-1),
        Type = VisitType.Checkup,
        Clinician = "Dr. Test",
        Reason = "Routine test visit",
        HeightCm = 170.5m,
        WeightKg = 70.25m,
        Systolic = 120,
        Diastolic = 80,
        HeartRate = 64,
        TemperatureC = 36.6m,
        DiagnosisCodes = ["E11.9"],
    };
}
