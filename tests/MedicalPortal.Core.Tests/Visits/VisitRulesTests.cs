using System.Globalization;
using MedicalPortal.Core.Tests.Patients;
using MedicalPortal.Core.Tests.Validation;
using MedicalPortal.Core.Validation;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Tests.Visits;

public sealed class VisitRulesTests
{
    private static readonly DateTimeOffset Now = TestPatients.Now;
    private static readonly DateOnly BirthDate = new(1980, 1, 2);

    private static ValidationErrors Validate(VisitInput input, DateOnly? birthDate = null) =>
        VisitRules.Validate(input.Cleaned(), Now, birthDate ?? BirthDate);

    [Fact]
    public void Validate_CompleteValidInput_HasNoErrors()
    {
        // Act
        var errors = Validate(TestVisits.ValidInput());

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_OnlyRequiredFields_HasNoErrors()
    {
        // Arrange
        var input = new VisitInput { StartedAt = Now, Type = VisitType.Telehealth, Clinician = "Dr. Test" };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_EmptyInput_ReportsRequiredFieldsUnderTheirJsonNames()
    {
        // Act
        var errors = Validate(new VisitInput()).ToDictionary();

        // Assert
        Assert.Equal(["clinician", "startedAt", "type"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_StartedAtMissing_ReportsStartedAt()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { StartedAt = null };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "startedAt");
    }

    [Fact]
    public void Validate_StartedAtJustBeyondTheClockTolerance_ReportsStartedAt()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { StartedAt = Now + VisitRules.ClockTolerance + TimeSpan.FromSeconds(1) };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "startedAt");
    }

    [Fact]
    public void Validate_StartedAtAnHourAhead_ReportsStartedAt()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { StartedAt = Now.AddHours(1) };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "startedAt");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    [InlineData(299)]
    [InlineData(300)] // exactly the five minute tolerance
    public void Validate_StartedAtWithinTheClockTolerance_IsAccepted(int secondsAhead)
    {
        // Arrange
        var input = TestVisits.ValidInput() with { StartedAt = Now.AddSeconds(secondsAhead) };

        // Act
        var errors = Validate(input);

        // Assert
        Assert.Equal(TimeSpan.FromMinutes(5), VisitRules.ClockTolerance);
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_StartedAtInAnotherOffset_ComparesInstantsNotWallClocks()
    {
        // Arrange: 14:03 at +02:00 is 12:03 UTC, within the tolerance; the wall clock alone would be two hours ahead.
        var input = TestVisits.ValidInput() with { StartedAt = new DateTimeOffset(2026, 3, 15, 14, 3, 0, TimeSpan.FromHours(2)) };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_StartedAtAWeekBeforeBirth_ReportsStartedAt()
    {
        // Arrange
        var birthDate = new DateOnly(2026, 3, 1);
        var input = TestVisits.ValidInput() with { StartedAt = new DateTimeOffset(2026, 2, 22, 10, 0, 0, TimeSpan.Zero) };

        // Act
        var errors = Validate(input, birthDate);

        // Assert
        ValidationAssert.OnlyError(errors, "startedAt");
    }

    [Fact]
    public void Validate_StartedAtYearsBeforeBirth_ReportsStartedAt()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { StartedAt = new DateTimeOffset(1979, 6, 1, 10, 0, 0, TimeSpan.Zero) };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "startedAt");
    }

    [Fact]
    public void Validate_StartedAtOnTheBirthDate_IsAccepted()
    {
        // Arrange
        var birthDate = new DateOnly(2026, 3, 1);
        var input = TestVisits.ValidInput() with { StartedAt = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero) };

        // Act
        var errors = Validate(input, birthDate);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_TypeMissing_ReportsType()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { Type = null };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "type");
    }

    [Fact]
    public void Validate_TypeOutsideTheEnum_ReportsType()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { Type = (VisitType)99 };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "type");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_ClinicianMissing_ReportsClinician(string? clinician)
    {
        // Arrange
        var input = TestVisits.ValidInput() with { Clinician = clinician };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "clinician");
    }

    [Theory]
    [InlineData("clinician", FieldRules.NameMaxLength)]
    [InlineData("reason", VisitRules.ReasonMaxLength)]
    [InlineData("notes", VisitRules.NotesMaxLength)]
    public void Validate_TextOneLongerThanItsMaximum_ReportsThatField(string field, int maxLength)
    {
        // Arrange
        var atMax = WithText(field, new string('x', maxLength));
        var overMax = WithText(field, new string('x', maxLength + 1));

        // Act
        var atMaxErrors = Validate(atMax);
        var overMaxErrors = Validate(overMax);

        // Assert
        ValidationAssert.Valid(atMaxErrors);
        ValidationAssert.OnlyError(overMaxErrors, field);
    }

    [Theory]
    [InlineData("heightCm", "20", true)]
    [InlineData("heightCm", "280", true)]
    [InlineData("heightCm", "19.9", false)]
    [InlineData("heightCm", "280.1", false)]
    [InlineData("heightCm", "170.5", true)]
    [InlineData("heightCm", "170.50", true)] // a trailing zero is not a second decimal place
    [InlineData("heightCm", "170.55", false)]
    [InlineData("weightKg", "0.2", true)]
    [InlineData("weightKg", "700", true)]
    [InlineData("weightKg", "0.19", false)]
    [InlineData("weightKg", "700.01", false)]
    [InlineData("weightKg", "70.25", true)]
    [InlineData("weightKg", "70.255", false)]
    [InlineData("temperatureC", "25", true)]
    [InlineData("temperatureC", "45", true)]
    [InlineData("temperatureC", "24.9", false)]
    [InlineData("temperatureC", "45.1", false)]
    [InlineData("temperatureC", "36.6", true)]
    [InlineData("temperatureC", "36.65", false)]
    [InlineData("heartRate", "20", true)]
    [InlineData("heartRate", "300", true)]
    [InlineData("heartRate", "19", false)]
    [InlineData("heartRate", "301", false)]
    [InlineData("heartRate", "0", false)]
    public void Validate_Vital_AcceptedOnlyWithinItsRangeAndPrecision(string field, string value, bool accepted)
    {
        // Arrange
        var number = decimal.Parse(value, CultureInfo.InvariantCulture);
        var input = field switch
        {
            "heightCm" => TestVisits.ValidInput() with { HeightCm = number },
            "weightKg" => TestVisits.ValidInput() with { WeightKg = number },
            "temperatureC" => TestVisits.ValidInput() with { TemperatureC = number },
            "heartRate" => TestVisits.ValidInput() with { HeartRate = (int)number },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown vital."),
        };

        // Act
        var errors = Validate(input);

        // Assert
        if (accepted)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            ValidationAssert.OnlyError(errors, field);
        }
    }

    [Theory]
    [InlineData(120, 80, null)]
    [InlineData(40, 20, null)] // both lower limits
    [InlineData(300, 200, null)] // both upper limits
    [InlineData(41, 40, null)]
    [InlineData(39, 20, "systolic")]
    [InlineData(301, 200, "systolic")]
    [InlineData(100, 19, "diastolic")]
    [InlineData(250, 201, "diastolic")]
    [InlineData(120, 120, "diastolic")] // equal is not lower
    [InlineData(80, 120, "diastolic")] // swapped
    public void Validate_BloodPressure_NeedsRangesAndDiastolicBelowSystolic(int systolic, int diastolic, string? errorField)
    {
        // Arrange
        var input = TestVisits.ValidInput() with { Systolic = systolic, Diastolic = diastolic };

        // Act
        var errors = Validate(input);

        // Assert
        if (errorField is null)
        {
            ValidationAssert.Valid(errors);
        }
        else
        {
            ValidationAssert.OnlyError(errors, errorField);
        }
    }

    [Fact]
    public void Validate_OnlySystolic_ReportsMissingDiastolic()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { Systolic = 120, Diastolic = null };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "diastolic");
    }

    [Fact]
    public void Validate_OnlyDiastolic_ReportsMissingSystolic()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { Systolic = null, Diastolic = 80 };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "systolic");
    }

    [Fact]
    public void Validate_NoBloodPressure_IsAccepted()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { Systolic = null, Diastolic = null };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Theory]
    [InlineData("E11.9")]
    [InlineData("J45.909")]
    [InlineData("S52.521A")]
    [InlineData("C4A.0")]
    [InlineData("U07.1")]
    [InlineData("e119")] // normalized to E11.9 by Cleaned()
    [InlineData("E11")]
    public void Validate_WellFormedDiagnosisCode_IsAccepted(string code)
    {
        // Arrange
        var input = TestVisits.ValidInput() with { DiagnosisCodes = [code] };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Theory]
    [InlineData("E1")]
    [InlineData("11.9")]
    [InlineData("E11.99999")]
    [InlineData("E11.")]
    [InlineData("EE1.9")]
    [InlineData("E11-9")]
    public void Validate_MalformedDiagnosisCode_ReportsDiagnosisCodes(string code)
    {
        // Arrange
        var input = TestVisits.ValidInput() with { DiagnosisCodes = ["E11.9", code] };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "diagnosisCodes");
    }

    [Fact]
    public void Validate_TwentyDiagnosisCodes_IsAccepted()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { DiagnosisCodes = DistinctCodes(VisitRules.MaxDiagnosisCodes) };

        // Act
        var errors = Validate(input);

        // Assert
        Assert.Equal(20, VisitRules.MaxDiagnosisCodes);
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_TwentyOneDiagnosisCodes_ReportsDiagnosisCodes()
    {
        // Arrange
        var input = TestVisits.ValidInput() with { DiagnosisCodes = DistinctCodes(VisitRules.MaxDiagnosisCodes + 1) };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.OnlyError(errors, "diagnosisCodes");
    }

    [Fact]
    public void Validate_TwentyCodesPlusDuplicates_CountsDistinctCodesOnly()
    {
        // Arrange: 20 distinct codes, each written twice (once without its dot, in lower case).
        var codes = DistinctCodes(VisitRules.MaxDiagnosisCodes);
        var input = TestVisits.ValidInput() with
        {
            DiagnosisCodes = [.. codes, .. codes.Select(c => c.Replace(".", "", StringComparison.Ordinal).ToLowerInvariant())],
        };

        // Act
        var errors = Validate(input);

        // Assert
        ValidationAssert.Valid(errors);
    }

    [Fact]
    public void Validate_InvalidValues_MessagesNeverContainTheSubmittedValues()
    {
        // Arrange
        var input = new VisitInput
        {
            StartedAt = Now.AddDays(2),
            Type = (VisitType)99,
            Clinician = "canary " + new string('c', FieldRules.NameMaxLength),
            Reason = "canary " + new string('r', VisitRules.ReasonMaxLength),
            Notes = "canary " + new string('n', VisitRules.NotesMaxLength),
            HeightCm = 987.6m,
            WeightKg = 876.54m,
            Systolic = 987,
            Diastolic = 876,
            HeartRate = 765,
            TemperatureC = 98.7m,
            DiagnosisCodes = ["canary"],
        };

        // Act
        var exception = Assert.Throws<ValidationFailedException>(() => Validate(input).ThrowIfInvalid());

        // Assert
        var messages = exception.Errors.Values.SelectMany(m => m).Append(exception.Message).ToList();
        Assert.Equal(12, exception.Errors.Count);
        string[] submitted = ["canary", "987", "876", "765", "98.7", "99"];
        Assert.All(messages, message =>
            Assert.All(submitted, value => Assert.DoesNotContain(value, message, StringComparison.OrdinalIgnoreCase)));
    }

    private static VisitInput WithText(string field, string text) => field switch
    {
        "clinician" => TestVisits.ValidInput() with { Clinician = text },
        "reason" => TestVisits.ValidInput() with { Reason = text },
        "notes" => TestVisits.ValidInput() with { Notes = text },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown text field."),
    };

    private static string[] DistinctCodes(int count) =>
        Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"A{i:00}.1")).ToArray();
}
