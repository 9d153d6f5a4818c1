using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Tests.Patients;
using MedicalPortal.Core.Tests.Validation;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Tests.Visits;

public sealed class VisitTests
{
    private static readonly DateTimeOffset Now = TestPatients.Now;
    private static readonly DateOnly BirthDate = new(1980, 1, 2);

    [Fact]
    public void Record_ManyPatients_PutsThePatientsBucketIntoTheVisitId()
    {
        // Arrange
        var patientIds = Enumerable.Range(0, 200).Select(i => Guid.CreateVersion7(Now.AddMilliseconds(i))).ToList();

        // Act
        var visits = patientIds.Select(id => Visit.Record(id, BirthDate, TestVisits.ValidInput(), Now)).ToList();

        // Assert
        Assert.All(visits, visit => Assert.Equal(Buckets.ForPatient(visit.PatientId), Buckets.OfRecordId(visit.Id)));
        Assert.True(visits.Select(v => Buckets.OfRecordId(v.Id)).Distinct().Count() > 100);
    }

    [Fact]
    public void Record_ValidInput_SetsVersionOnePatientTimesAndCleanedValues()
    {
        // Arrange
        var patientId = Guid.CreateVersion7(Now);
        var input = TestVisits.ValidInput() with { Clinician = " Dr. Test ", DiagnosisCodes = ["e119", "E11.9", "j45909"] };

        // Act
        var visit = Visit.Record(patientId, BirthDate, input, Now);

        // Assert
        Assert.Equal(1, visit.Version);
        Assert.Equal(patientId, visit.PatientId);
        Assert.Equal(7, visit.Id.Version);
        Assert.Equal(Now, visit.CreatedAt);
        Assert.Equal(Now, visit.UpdatedAt);
        Assert.Equal("Dr. Test", visit.Clinician);
        Assert.Equal(["E11.9", "J45.909"], visit.DiagnosisCodes);
        Assert.Equal(VisitType.Checkup, visit.Type);
        Assert.Equal(170.5m, visit.HeightCm);
    }

    [Fact]
    public void Record_InvalidInput_ThrowsWithTheFieldKey()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { HeartRate = 500 };

        // Act, Assert
        ValidationAssert.Throws("heartRate", () => Visit.Record(Guid.CreateVersion7(Now), BirthDate, input, Now));
    }

    [Fact]
    public void Record_VisitBeforeBirth_ThrowsForStartedAt()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { StartedAt = new DateTimeOffset(1979, 12, 1, 9, 0, 0, TimeSpan.Zero) };

        // Act, Assert
        ValidationAssert.Throws("startedAt", () => Visit.Record(Guid.CreateVersion7(Now), BirthDate, input, Now));
    }

    [Fact]
    public void Update_ValidInput_IncrementsVersionAndKeepsIdAndPatient()
    {
        // Arrange
        var visit = Visit.Record(Guid.CreateVersion7(Now), BirthDate, TestVisits.ValidInput(), Now);
        var id = visit.Id;
        var later = Now.AddHours(1);

        // Act
        visit.Update(BirthDate, TestVisits.ValidInput() with { Notes = "corrected" }, later);

        // Assert
        Assert.Equal(2, visit.Version);
        Assert.Equal(id, visit.Id);
        Assert.Equal("corrected", visit.Notes);
        Assert.Equal(later, visit.UpdatedAt);
        Assert.Equal(Now, visit.CreatedAt);
    }

    [Fact]
    public void Update_InvalidInput_ThrowsAndLeavesVisitUnchanged()
    {
        // Arrange
        var visit = Visit.Record(Guid.CreateVersion7(Now), BirthDate, TestVisits.ValidInput(), Now);

        // Act
        ValidationAssert.Throws("diastolic", () =>
            visit.Update(BirthDate, TestVisits.ValidInput() with { Notes = "changed", Diastolic = 130 }, Now.AddHours(1)));

        // Assert
        Assert.Equal(1, visit.Version);
        Assert.Null(visit.Notes);
        Assert.Equal(80, visit.Diastolic);
    }

    [Fact]
    public void ToDto_RecordedVisit_CarriesEveryField()
    {
        // Arrange
        var patientId = Guid.CreateVersion7(Now);
        var visit = Visit.Record(patientId, BirthDate, TestVisits.ValidInput() with { Notes = "n" }, Now);

        // Act
        var dto = visit.ToDto();

        // Assert
        Assert.Equal(visit.Id, dto.Id);
        Assert.Equal(patientId, dto.PatientId);
        Assert.Equal(Now.AddHours(-1), dto.StartedAt);
        Assert.Equal(VisitType.Checkup, dto.Type);
        Assert.Equal("Dr. Test", dto.Clinician);
        Assert.Equal("Routine test visit", dto.Reason);
        Assert.Equal(170.5m, dto.HeightCm);
        Assert.Equal(70.25m, dto.WeightKg);
        Assert.Equal(120, dto.Systolic);
        Assert.Equal(80, dto.Diastolic);
        Assert.Equal(64, dto.HeartRate);
        Assert.Equal(36.6m, dto.TemperatureC);
        Assert.Equal(["E11.9"], dto.DiagnosisCodes);
        Assert.Equal("n", dto.Notes);
        Assert.Equal(1, dto.Version);
    }
}
