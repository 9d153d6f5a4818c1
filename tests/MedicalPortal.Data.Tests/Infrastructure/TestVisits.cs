using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Data.Tests.Infrastructure;

internal static class TestVisits
{
    public static VisitInput Input(DateTimeOffset? startedAt = null, string reason = "Checkup") => new()
    {
        StartedAt = startedAt ?? TestPatients.Now.AddDays(-1),
        Type = VisitType.Checkup,
        Clinician = "Dr. Test",
        Reason = reason,
        Systolic = 120,
        Diastolic = 80,
        DiagnosisCodes = ["Z00.00"],
    };

    public static Visit For(Patient patient, DateTimeOffset? startedAt = null, string reason = "Checkup") =>
        Visit.Record(patient.Id, patient.BirthDate, Input(startedAt, reason), TestPatients.Now);
}
