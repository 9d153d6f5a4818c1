using MedicalPortal.Core.Export;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Tests.Export;

public sealed class AnonymizerTests
{
    private static readonly DateOnly ExportDate = new(2026, 6, 1);
    private static readonly StudyPseudonyms Pseudonyms = new(new byte[32], Guid.Parse("0198f0a0-0000-7000-8000-000000000001"));

    [Theory]
    [InlineData("1937-06-02", "1937")] // 88 at export, 89 tomorrow
    [InlineData("1936-06-02", "1936")] // 89, turns 90 the day after the export
    [InlineData("1936-06-01", "90+")] // 90 on the export date
    [InlineData("1925-01-01", "90+")] // 101
    [InlineData("2026-05-31", "2026")] // a newborn
    public void BirthYear_AgeAtExportDate_YearUnder90And90PlusFrom90(string birthDate, string expected)
    {
        // Act
        var published = Anonymizer.BirthYear(DateOnly.Parse(birthDate, System.Globalization.CultureInfo.InvariantCulture), ExportDate);

        // Assert
        Assert.Equal(expected, published);
    }

    [Theory]
    [InlineData("02139", "021")]
    [InlineData("02139-4307", "021")]
    [InlineData("03601", "000")] // 036: one of the 17 restricted areas
    [InlineData("89301", "000")] // 893
    [InlineData("82301", "000")] // 823
    [InlineData("10001", "100")]
    [InlineData(null, "000")]
    [InlineData("", "000")]
    [InlineData("12", "000")]
    [InlineData("1A345", "000")]
    public void Zip3_PostalCode_ThreeDigitsOr000(string? postalCode, string expected)
    {
        // Act
        var zip3 = Anonymizer.Zip3(postalCode);

        // Assert
        Assert.Equal(expected, zip3);
    }

    [Fact]
    public void RestrictedZip3_HhsList_HasTheSeventeenAreas()
    {
        // Assert
        Assert.Equal(17, Anonymizer.RestrictedZip3.Count);
        Assert.All(Anonymizer.RestrictedZip3, z => Assert.Matches("^[0-9]{3}$", z));
    }

    [Fact]
    public void Rows_PatientWithoutVisits_OneRowWithEmptyVisitColumns()
    {
        // Arrange
        var patient = Patient(visits: []);

        // Act
        var rows = new Anonymizer().Rows(patient, Pseudonyms, PlanOf(patient), ExportDate);

        // Assert
        var row = Assert.Single(rows);
        Assert.Equal(new ResearchRow(Pseudonyms.ResearchId(patient.PatientId), "1980", "female", "021",
            null, null, null, null, null, null, null, null, null), row);
    }

    [Fact]
    public void Rows_PatientWithVisits_OneRowPerVisitInTimeOrderWithTheYearOnly()
    {
        // Arrange
        var patient = Patient(visits:
        [
            Visit(new DateTimeOffset(2025, 12, 31, 23, 0, 0, TimeSpan.Zero), VisitType.FollowUp, ["E11.9", "I10"]),
            Visit(new DateTimeOffset(2024, 3, 5, 9, 30, 0, TimeSpan.Zero), VisitType.Checkup, []),
        ]);

        // Act
        var rows = new Anonymizer().Rows(patient, Pseudonyms, PlanOf(patient), ExportDate);

        // Assert
        Assert.Collection(
            rows,
            first =>
            {
                Assert.Equal("2024", first.VisitYear);
                Assert.Equal("checkup", first.VisitType);
                Assert.Equal("", first.DiagnosisCodes);
            },
            second =>
            {
                Assert.Equal("2025", second.VisitYear);
                Assert.Equal("follow-up", second.VisitType);
                Assert.Equal("172.5", second.HeightCm);
                Assert.Equal("70.2", second.WeightKg);
                Assert.Equal("120", second.Systolic);
                Assert.Equal("80", second.Diastolic);
                Assert.Equal("64", second.HeartRate);
                Assert.Equal("36.8", second.TemperatureC);
                Assert.Equal("E11.9;I10", second.DiagnosisCodes);
            });
    }

    [Theory]
    [InlineData("70.20", "70.2")]
    [InlineData("70.00", "70")]
    [InlineData("0.50", "0.5")]
    [InlineData("36.8", "36.8")]
    public void Rows_DecimalReadWithTheColumnsScale_WrittenWithoutTrailingZeros(string stored, string written)
    {
        // Arrange: a server database returns numeric(6,2) values with their scale (70.20); SQLite returns 70.2.
        var value = decimal.Parse(stored, System.Globalization.CultureInfo.InvariantCulture);
        var patient = Patient(visits:
        [
            new ExportVisit(new DateTimeOffset(2024, 3, 5, 9, 30, 0, TimeSpan.Zero), VisitType.Checkup, value, value, 120, 80, 64, value, []),
        ]);

        // Act
        var row = Assert.Single(new Anonymizer().Rows(patient, Pseudonyms, PlanOf(patient), ExportDate));

        // Assert
        Assert.Equal((written, written, written), (row.HeightCm, row.WeightKg, row.TemperatureC));
    }

    [Fact]
    public void Rows_DateShiftOn_DatesShiftedByOneAmountPerPatientKeepingIntervals()
    {
        // Arrange
        var first = new DateTimeOffset(2024, 3, 5, 9, 30, 0, TimeSpan.Zero);
        var patient = Patient(visits:
        [
            Visit(first, VisitType.Checkup, []),
            Visit(first.AddDays(45), VisitType.FollowUp, []),
        ]);

        // Act
        var rows = new Anonymizer(dateShift: true).Rows(patient, Pseudonyms, PlanOf(patient), ExportDate);

        // Assert
        var dates = rows.Select(r => DateOnly.ParseExact(r.VisitYear!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(45, dates[1].DayNumber - dates[0].DayNumber);
        var shift = dates[0].DayNumber - DateOnly.FromDateTime(first.UtcDateTime).DayNumber;
        Assert.Equal(Pseudonyms.DateShiftDays(patient.PatientId), shift);
        Assert.InRange(shift, -365, 365);
    }

    [Fact]
    public void Rows_ClassSuppressedByThePlan_NoRows()
    {
        // Arrange
        var patient = Patient(visits: []);
        var plan = KAnonymityPlan.For(new Dictionary<QuasiIdentifiers, int> { [new Anonymizer().QuasiIdentifiersOf(patient, ExportDate)] = 1 }, k: 5);

        // Act
        var rows = new Anonymizer().Rows(patient, Pseudonyms, plan, ExportDate);

        // Assert
        Assert.Empty(rows);
        Assert.Equal(1, plan.SuppressedPatients);
    }

    private static KAnonymityPlan PlanOf(ExportPatient patient) =>
        KAnonymityPlan.For(new Dictionary<QuasiIdentifiers, int> { [new Anonymizer().QuasiIdentifiersOf(patient, ExportDate)] = 5 }, k: 5);

    private static ExportPatient Patient(IReadOnlyList<ExportVisit> visits) =>
        new(Guid.Parse("0198f0a0-0000-7000-8000-0000000000aa"), new DateOnly(1980, 4, 2), Sex.Female, "02139", visits);

    private static ExportVisit Visit(DateTimeOffset startedAt, VisitType type, IReadOnlyList<string> codes) =>
        new(startedAt, type, 172.5m, 70.2m, 120, 80, 64, 36.8m, codes);
}
