using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Patients;
using MedicalPortal.Data.Seeding;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// A research study and its consenting participants, written straight to the portal's stores as the seed writes them
/// (no API calls, so thousands take seconds): what the export tests release.
/// </summary>
internal static class ResearchStudies
{
    /// <summary>Adds an active study, as the system.</summary>
    public static async Task<Guid> AddStudyAsync(this PortalFactory portal, string title, DateTimeOffset now) =>
        (await portal.Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = title, PrincipalInvestigator = "Dr. Test", Status = StudyStatus.Active, StartDate = new DateOnly(2025, 1, 1),
        }, now), default)).Id;

    /// <summary>A new patient with <paramref name="visits"/>, who consented to the study the day before <paramref name="now"/>.</summary>
    public static SeedPatient Participant(Guid studyId, PatientInput input, IEnumerable<VisitInput> visits, DateTimeOffset now)
    {
        var patient = Patient.Register(Guid.CreateVersion7(), Mrn.Generate(), input, now);
        return new SeedPatient(
            patient,
            [.. visits.Select(v => Visit.Record(patient.Id, patient.BirthDate, v, now))],
            [Enrollment.Consent(studyId, patient.Id, now.AddDays(-1), now)]);
    }

    /// <summary>Reserves the participants' MRNs and writes them, their visits and consents to their shards.</summary>
    public static async Task AddParticipantsAsync(this PortalFactory portal, IReadOnlyList<SeedPatient> participants)
    {
        await portal.Services.GetRequiredService<MrnRegistry>().ReserveManyAsync([.. participants.Select(p => (p.Patient.Mrn, p.Patient.Id))], default);
        await portal.Services.GetRequiredService<PatientSeeder>().InsertAsync(participants, default);
    }
}
