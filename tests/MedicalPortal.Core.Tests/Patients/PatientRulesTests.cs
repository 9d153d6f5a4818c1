using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Tests.Validation;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Tests.Patients;

public sealed class PatientRulesTests
{
    private static readonly DateOnly Today = TestPatients.Today;

    private static ValidationErrors Validate(PatientInput input) => PatientRules.Validate(input.Cleaned(), Today);

    [Fact]
    public void Validate_CompleteValidInput_HasNoErrors()
    {
        // Arrange
        var input = TestPatients.ValidInput();

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_OnlyRequiredFields_HasNoErrors()
    {
        // Arrange
        var input = new PatientInput { GivenName = "Testgiven", FamilyName = "Testfamily", BirthDate = new(1990, 5, 6), Sex = Sex.Other };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_EmptyInput_ReportsRequiredFieldsUnderTheirJsonNames()
    {
        // Arrange
        var input = new PatientInput();

        // Act
        var errors = Validate(input).ToDictionary();

        // Assert
        Assert.Equal(["birthDate", "familyName", "givenName", "sex"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_EveryFieldInvalid_UsesTheCamelCaseJsonFieldNamesAsKeys()
    {
        // Arrange
        var input = new PatientInput
        {
            Mrn = "-X",
            GivenName = "G1",
            FamilyName = "F1",
            BirthDate = Today.AddDays(1),
            Sex = (Sex)42,
            Phone = "12",
            Email = "not-an-email",
            AddressLine = new string('a', FieldRules.LineMaxLength + 1),
            City = new string('c', FieldRules.NameMaxLength + 1),
            State = "XX",
            PostalCode = "1",
        };

        // Act
        var errors = Validate(input).ToDictionary();

        // Assert
        Assert.Equal(
            ["addressLine", "birthDate", "city", "email", "familyName", "givenName", "mrn", "phone", "postalCode", "sex", "state"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_MissingGivenName_ReportsGivenName(string? givenName)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { GivenName = givenName };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "givenName");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\t ")]
    public void Validate_MissingFamilyName_ReportsFamilyName(string? familyName)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { FamilyName = familyName };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "familyName");
    }

    [Theory]
    [InlineData("Anne-Marie")]
    [InlineData("O'Test")]
    [InlineData("D’Test")]
    [InlineData("St. Test")]
    [InlineData("Zoë")]
    [InlineData("Łest")]
    [InlineData("Ñandú")]
    [InlineData("van der Test")]
    [InlineData("Jose\u0301")] // a combining accent (\p{M}) after the letter it marks
    public void Validate_NameWithLettersSpacesHyphensApostrophesPeriods_IsAccepted(string name)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { GivenName = name, FamilyName = name };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Theory]
    [InlineData("R2D2")]
    [InlineData("Test_Name")]
    [InlineData("Test<b>")]
    [InlineData("Test@Name")]
    [InlineData("-Test")]
    [InlineData("'Test")]
    [InlineData(".Test")]
    [InlineData("Test;Name")]
    [InlineData("Test\nName")]
    public void Validate_NameWithOtherCharacters_ReportsGivenName(string name)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { GivenName = name };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "givenName");
    }

    [Fact]
    public void Validate_NameOfMaxLength_IsAccepted()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { FamilyName = new string('a', FieldRules.NameMaxLength) };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_NameOneLongerThanMax_ReportsFamilyName()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { FamilyName = new string('a', FieldRules.NameMaxLength + 1) };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "familyName");
    }

    [Fact]
    public void Validate_NameWithLetterOutsideBasicMultilingualPlane_IsAccepted()
    {
        // Arrange: U+20000 is a CJK letter (category Lo) written as a UTF-16 surrogate pair. Such letters occur in
        // real family names, the message promises "letters", and CodePointComparer exists because keys can hold them.
        var input = TestPatients.ValidInput() with { FamilyName = "\U00020000a" };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_BirthDateMissing_ReportsBirthDate()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { BirthDate = null };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "birthDate");
    }

    [Fact]
    public void Validate_BirthDateTomorrow_ReportsBirthDate()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { BirthDate = Today.AddDays(1) };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "birthDate");
    }

    [Fact]
    public void Validate_BirthDateToday_IsAccepted()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { BirthDate = Today };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_BirthDateExactly130YearsAgo_IsAccepted()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { BirthDate = Today.AddYears(-PatientRules.OldestAgeYears) };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_BirthDateMoreThan130YearsAgo_ReportsBirthDate()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { BirthDate = Today.AddYears(-PatientRules.OldestAgeYears).AddDays(-1) };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "birthDate");
    }

    [Fact]
    public void Validate_SexMissing_ReportsSex()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Sex = null };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "sex");
    }

    [Fact]
    public void Validate_SexOutsideTheEnum_ReportsSex()
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Sex = (Sex)42 };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "sex");
    }

    [Theory]
    [InlineData(Sex.Female)]
    [InlineData(Sex.Male)]
    [InlineData(Sex.Other)]
    [InlineData(Sex.Unknown)]
    public void Validate_EachDefinedSex_IsAccepted(Sex sex)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Sex = sex };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Theory]
    [InlineData("5550102")] // 7 digits
    [InlineData("123456789012345")] // 15 digits
    [InlineData("+123456789012345")]
    [InlineData("+1 555 010 2030")]
    [InlineData("(555) 010-2030")]
    [InlineData("555.010.2030")]
    [InlineData("  555-0102  ")]
    public void Validate_PhoneOf7To15DigitsWithAllowedCharacters_IsAccepted(string phone)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Phone = phone };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Theory]
    [InlineData("555010")] // 6 digits
    [InlineData("1234567890123456")] // 16 digits
    [InlineData("+1 (555) 010-2030 777 88")] // 16 digits
    [InlineData("555-CALL-NOW")]
    [InlineData("555 0102 ext 5")]
    [InlineData("++1 555 010 2030")]
    [InlineData("555 010 2030+")]
    [InlineData("555/010/2030")]
    [InlineData("١٢٣٤٥٦٧٨")] // non-ASCII digits
    public void Validate_PhoneOutsideTheFormat_ReportsPhone(string phone)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Phone = phone };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "phone");
    }

    [Theory]
    [InlineData("someone@example.test")]
    [InlineData("first.last+tag@mail.example.org")]
    [InlineData("  someone@example.test ")]
    public void Validate_WellFormedEmail_IsAccepted(string email)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Email = email };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Theory]
    [InlineData("canary-xyz@@")]
    [InlineData("no-at-sign")]
    [InlineData("someone@localhost")]
    [InlineData("some one@example.test")]
    [InlineData("someone@@example.test")]
    [InlineData("someone@example..test")]
    [InlineData("someone@.example.test")]
    [InlineData("@example.test")]
    public void Validate_MalformedEmail_ReportsEmail(string email)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Email = email };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "email");
    }

    [Fact]
    public void Validate_EmailLongerThan254Characters_ReportsEmail()
    {
        // Arrange
        var email = new string('a', FieldRules.EmailMaxLength - "@example.test".Length + 1) + "@example.test";
        var input = TestPatients.ValidInput() with { Email = email };

        // Act
        var errors = Validate(input);

        // Assert
        Assert.Equal(FieldRules.EmailMaxLength + 1, email.Length);
        ValidationAssert.OnlyError(errors, "email");
    }

    [Theory]
    [InlineData("MA")]
    [InlineData("ca")]
    [InlineData(" ny ")]
    [InlineData("DC")]
    [InlineData("PR")]
    [InlineData("GU")]
    [InlineData("WY")]
    public void Validate_UsStateCode_IsAccepted(string state)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { State = state };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("M")]
    [InlineData("Mass")]
    [InlineData("UK")]
    [InlineData("M A")]
    public void Validate_UnknownStateCode_ReportsState(string state)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { State = state };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "state");
    }

    [Fact]
    public void StateCodes_AllStatesDcAndInhabitedTerritories_Are56Codes()
    {
        // Arrange, Act
        var codes = PatientRules.StateCodes;

        // Assert: 50 states + DC + AS, GU, MP, PR, VI
        Assert.Equal(56, codes.Count);
        Assert.All(codes, code => Assert.Matches("^[A-Z]{2}$", code));
    }

    [Theory]
    [InlineData("02139")]
    [InlineData("02139-4307")]
    [InlineData(" 99501 ")]
    public void Validate_ZipOrZipPlus4_IsAccepted(string postalCode)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { PostalCode = postalCode };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Theory]
    [InlineData("2139")]
    [InlineData("021394")]
    [InlineData("02139-43")]
    [InlineData("021394307")]
    [InlineData("02139 4307")]
    [InlineData("ABCDE")]
    [InlineData("SW1A 1AA")]
    public void Validate_PostalCodeNotZipOrZipPlus4_ReportsPostalCode(string postalCode)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { PostalCode = postalCode };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "postalCode");
    }

    [Theory]
    [InlineData("M1234567897")]
    [InlineData("1234")]
    [InlineData("ab-12")]
    [InlineData("A1234567890123456789")] // 20 characters
    public void Validate_WellFormedMrn_IsAccepted(string mrn)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Mrn = mrn };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Theory]
    [InlineData("ABC")] // 3 characters
    [InlineData("A12345678901234567890")] // 21 characters
    [InlineData("-ABC")]
    [InlineData("AB C1")]
    [InlineData("AB_12")]
    [InlineData("ÄB12")]
    public void Validate_MalformedMrn_ReportsMrn(string mrn)
    {
        // Arrange
        var input = TestPatients.ValidInput() with { Mrn = mrn };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "mrn");
    }

    [Fact]
    public void Validate_AddressAndCityTooLong_ReportsAddressLineAndCity()
    {
        // Arrange
        var input = TestPatients.ValidInput() with
        {
            AddressLine = new string('a', FieldRules.LineMaxLength + 1),
            City = new string('c', FieldRules.NameMaxLength + 1),
        };

        // Act
        var errors = Validate(input).ToDictionary();

        // Assert
        Assert.Equal(["addressLine", "city"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_InvalidValues_MessagesNeverContainTheSubmittedValues()
    {
        // Arrange: every field gets an invalid value carrying a marker that must not come back in any message.
        var input = new PatientInput
        {
            Mrn = "-canary-mrn",
            GivenName = "canary-given-1",
            FamilyName = "canary-family-2",
            BirthDate = Today.AddDays(3),
            Sex = (Sex)42,
            Phone = "canary-555",
            Email = "canary-xyz@@",
            AddressLine = "canary " + new string('a', FieldRules.LineMaxLength),
            City = "canary " + new string('c', FieldRules.NameMaxLength),
            State = "canary",
            PostalCode = "canary",
        };

        // Act
        var exception = Assert.Throws<ValidationFailedException>(() => Validate(input).ThrowIfInvalid());

        // Assert
        var messages = exception.Errors.Values.SelectMany(m => m).Append(exception.Message).ToList();
        Assert.Equal(11, exception.Errors.Count);
        Assert.All(messages, message => Assert.DoesNotContain("canary", message, StringComparison.OrdinalIgnoreCase));
        Assert.All(messages, message => Assert.DoesNotContain("42", message, StringComparison.Ordinal));
    }
}
