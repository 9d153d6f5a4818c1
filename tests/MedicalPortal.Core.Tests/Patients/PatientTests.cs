using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Tests.Validation;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Tests.Patients;

public sealed class PatientTests
{
    private static readonly DateTimeOffset Now = TestPatients.Now;

    [Fact]
    public void Register_ValidInput_SetsVersionOneIdTimesAndMrn()
    {
        // Arrange
        var id = Guid.CreateVersion7(Now);

        // Act
        var patient = Patient.Register(id, " ab-1234 ", TestPatients.ValidInput(), Now);

        // Assert
        Assert.Equal(1, patient.Version);
        Assert.Equal(id, patient.Id);
        Assert.Equal("AB-1234", patient.Mrn);
        Assert.Equal(Now, patient.CreatedAt);
        Assert.Equal(Now, patient.UpdatedAt);
    }

    [Fact]
    public void Register_NamesWithAccentsAndSpaces_StoresCleanedNamesAndNameKeys()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { GivenName = "  zoë  ann ", FamilyName = " de la Tèst " };

        // Act
        var patient = Patient.Register(Guid.CreateVersion7(Now), "M1234567897", input, Now);

        // Assert
        Assert.Equal("zoë  ann", patient.GivenName);
        Assert.Equal("de la Tèst", patient.FamilyName);
        Assert.Equal("ZOE ANN", patient.GivenNameKey);
        Assert.Equal("DE LA TEST", patient.FamilyNameKey);
    }

    [Fact]
    public void Register_ContactFields_AreStoredCleaned()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { State = " ca ", Email = " ", City = " Testville " };

        // Act
        var patient = Patient.Register(Guid.CreateVersion7(Now), "M1234567897", input, Now);

        // Assert
        Assert.Equal("CA", patient.State);
        Assert.Null(patient.Email);
        Assert.Equal("Testville", patient.City);
        Assert.Equal(new DateOnly(1980, 1, 2), patient.BirthDate);
        Assert.Equal(Sex.Unknown, patient.Sex);
    }

    [Fact]
    public void Register_InvalidInput_ThrowsValidationFailedWithFieldKeys()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { GivenName = null, BirthDate = TestPatients.Today.AddDays(1) };

        // Act
        var exception = Assert.Throws<ValidationFailedException>(
            () => Patient.Register(Guid.CreateVersion7(Now), "M1234567897", input, Now));

        // Assert
        Assert.Equal(["birthDate", "givenName"], exception.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Register_MalformedMrn_ThrowsWithMrnKey()
    {
        // Arrange
        var input = TestPatients.ValidInput();

        // Act, Assert
        ValidationAssert.Throws("mrn", () => Patient.Register(Guid.CreateVersion7(Now), "A B", input, Now));
    }

    [Fact]
    public void Register_BirthDateIsJudgedAgainstTheGivenNow_NotTheMachineClock()
    {
        // Arrange: born "tomorrow" relative to a clock far in the past, long ago relative to the real one.
        var past = new DateTimeOffset(1990, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var input = TestPatients.ValidInput() with { BirthDate = new DateOnly(1990, 6, 2) };

        // Act, Assert
        ValidationAssert.Throws("birthDate", () => Patient.Register(Guid.CreateVersion7(past), "M1234567897", input, past));
    }

    [Fact]
    public void Update_ValidInput_IncrementsVersionAndRecomputesNameKeys()
    {
        // Arrange
        var patient = TestPatients.Registered();
        var later = Now.AddDays(2);
        var input = TestPatients.ValidInput() with { FamilyName = "Ñewname" };

        // Act
        patient.Update(input, later);

        // Assert
        Assert.Equal(2, patient.Version);
        Assert.Equal("Ñewname", patient.FamilyName);
        Assert.Equal("NEWNAME", patient.FamilyNameKey);
        Assert.Equal(later, patient.UpdatedAt);
        Assert.Equal(Now, patient.CreatedAt);
    }

    [Fact]
    public void Update_Twice_VersionIsThree()
    {
        // Arrange
        var patient = TestPatients.Registered();

        // Act
        patient.Update(TestPatients.ValidInput() with { City = "Otherville" }, Now.AddMinutes(1));
        patient.Update(TestPatients.ValidInput() with { City = "Thirdville" }, Now.AddMinutes(2));

        // Assert
        Assert.Equal(3, patient.Version);
        Assert.Equal("Thirdville", patient.City);
    }

    [Fact]
    public void Update_ChangedMrn_ThrowsWithMrnKeyAndLeavesRecordUnchanged()
    {
        // Arrange
        var patient = TestPatients.Registered("M1234567897");
        var input = TestPatients.ValidInput() with { Mrn = "M0000000000", City = "Otherville" };

        // Act
        ValidationAssert.Throws("mrn", () => patient.Update(input, Now.AddMinutes(1)));

        // Assert
        Assert.Equal("M1234567897", patient.Mrn);
        Assert.Equal(1, patient.Version);
        Assert.Equal("Testville", patient.City);
    }

    [Fact]
    public void Update_SameMrnInOtherCaseAndPadding_IsAccepted()
    {
        // Arrange
        var patient = TestPatients.Registered("AB-1234");

        // Act
        patient.Update(TestPatients.ValidInput() with { Mrn = " ab-1234 " }, Now.AddMinutes(1));

        // Assert
        Assert.Equal(2, patient.Version);
        Assert.Equal("AB-1234", patient.Mrn);
    }

    [Fact]
    public void Update_WithoutMrn_KeepsTheMrn()
    {
        // Arrange
        var patient = TestPatients.Registered("M1234567897");

        // Act
        patient.Update(TestPatients.ValidInput() with { Mrn = null }, Now.AddMinutes(1));

        // Assert
        Assert.Equal("M1234567897", patient.Mrn);
        Assert.Equal(2, patient.Version);
    }

    [Fact]
    public void Update_InvalidInput_ThrowsAndLeavesRecordUnchanged()
    {
        // Arrange
        var patient = TestPatients.Registered();
        var input = TestPatients.ValidInput() with { GivenName = "Other", Phone = "12" };

        // Act
        ValidationAssert.Throws("phone", () => patient.Update(input, Now.AddMinutes(1)));

        // Assert
        Assert.Equal("Testgiven", patient.GivenName);
        Assert.Equal(1, patient.Version);
        Assert.Equal(Now, patient.UpdatedAt);
    }

    [Fact]
    public void ToDto_RegisteredPatient_CarriesEveryField()
    {
        // Arrange
        var patient = TestPatients.Registered();

        // Act
        var dto = patient.ToDto();

        // Assert
        var expected = new PatientDto(
            patient.Id, "M1234567897", "Testgiven", "Testfamily", new DateOnly(1980, 1, 2), Sex.Unknown, "+1 555 010 2030",
            "someone@example.test", "1 Test Street", "Testville", "MA", "02139", 1);
        Assert.Equal(expected, dto);
    }
}
