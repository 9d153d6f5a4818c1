using MedicalPortal.Core.Patients;

namespace MedicalPortal.Core.Tests.Patients;

public sealed class PatientInputTests
{
    [Fact]
    public void Cleaned_PaddedValues_AreTrimmed()
    {
        // Arrange
        var input = new PatientInput
        {
            GivenName = "  Testgiven ",
            FamilyName = "\tTestfamily\n",
            Phone = " 555 0102 ",
            Email = " Someone@Example.test ",
            AddressLine = " 1 Test Street ",
            City = " Testville ",
            PostalCode = " 02139 ",
        };

        // Act
        var cleaned = input.Cleaned();

        // Assert
        Assert.Equal("Testgiven", cleaned.GivenName);
        Assert.Equal("Testfamily", cleaned.FamilyName);
        Assert.Equal("555 0102", cleaned.Phone);
        Assert.Equal("Someone@Example.test", cleaned.Email); // trimmed, case kept
        Assert.Equal("1 Test Street", cleaned.AddressLine);
        Assert.Equal("Testville", cleaned.City);
        Assert.Equal("02139", cleaned.PostalCode);
    }

    [Fact]
    public void Cleaned_BlankValues_BecomeNull()
    {
        // Arrange
        var input = new PatientInput
        {
            Mrn = " ",
            GivenName = "",
            FamilyName = "   ",
            Phone = "\t",
            Email = " ",
            AddressLine = "",
            City = " ",
            State = "  ",
            PostalCode = "\n",
        };

        // Act
        var cleaned = input.Cleaned();

        // Assert
        Assert.Equal(new PatientInput(), cleaned);
    }

    [Fact]
    public void Cleaned_MrnAndState_AreUpperCased()
    {
        // Arrange
        var input = new PatientInput { Mrn = " ab-12c ", State = " ma " };

        // Act
        var cleaned = input.Cleaned();

        // Assert
        Assert.Equal("AB-12C", cleaned.Mrn);
        Assert.Equal("MA", cleaned.State);
    }

    [Fact]
    public void Cleaned_NamesAndNonTextFields_KeepTheirValues()
    {
        // Arrange
        var input = new PatientInput { GivenName = "de la test", BirthDate = new DateOnly(2001, 2, 3), Sex = Sex.Female };

        // Act
        var cleaned = input.Cleaned();

        // Assert
        Assert.Equal("de la test", cleaned.GivenName);
        Assert.Equal(new DateOnly(2001, 2, 3), cleaned.BirthDate);
        Assert.Equal(Sex.Female, cleaned.Sex);
    }
}
