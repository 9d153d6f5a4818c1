using MedicalPortal.Core.Export;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Tests.Export;

/// <summary>
/// Rare diagnosis codes in a release: kept when k patients of the release hold them, otherwise generalized to their
/// three-character category when k patients would show that, otherwise left out.
/// </summary>
public sealed class DiagnosisCodePlanTests
{
    private const int K = 3;

    [Fact]
    public void For_CodeHeldByKPatients_PublishedAsItIs()
    {
        // Act
        var plan = Plan(["I10"], ["I10"], ["I10", "Z00.00"]);

        // Assert
        Assert.Equal("I10", plan.Publish("I10"));
        Assert.Equal((0, 1), (plan.GeneralizedCodes, plan.SuppressedCodes));
    }

    [Fact]
    public void For_RareCodesWhoseCategoryKPatientsWouldShow_GeneralizedToTheCategory()
    {
        // Act: three patients, each with another rare code of E11.
        var plan = Plan(["E11.65"], ["E11.9"], ["E11.21"]);

        // Assert
        Assert.Equal("E11", plan.Publish("E11.65"));
        Assert.Equal("E11", plan.Publish("E11.9"));
        Assert.Equal("E11", plan.Publish("E11.21"));
        Assert.Equal((3, 0), (plan.GeneralizedCodes, plan.SuppressedCodes));
    }

    [Fact]
    public void For_RareCodeWhoseCategoryIsStillRare_LeftOut()
    {
        // Act
        var plan = Plan(["E11.65"], ["E11.9"], ["I10"]);

        // Assert
        Assert.Null(plan.Publish("E11.65"));
        Assert.Null(plan.Publish("E11.9"));
        Assert.Equal((0, 3), (plan.GeneralizedCodes, plan.SuppressedCodes));
    }

    [Fact]
    public void For_OnePatientWithTwoRareCodesOfACategory_CountsOnceForIt()
    {
        // Act: the category would be shown by two patients, though it has three rare codes.
        var plan = Plan(["E11.65", "E11.21"], ["E11.9"], ["I10"]);

        // Assert
        Assert.Null(plan.Publish("E11.65"));
        Assert.Null(plan.Publish("E11.21"));
        Assert.Null(plan.Publish("E11.9"));
    }

    [Fact]
    public void For_RareCodeBesideACommonCodeOfItsCategory_CommonHoldersDoNotCoverTheCategory()
    {
        // Act: E11.9 is held by three and stays E11.9; E11.65 alone would make "E11" the mark of one patient.
        var plan = Plan(["E11.9"], ["E11.9"], ["E11.9", "E11.65"]);

        // Assert
        Assert.Equal("E11.9", plan.Publish("E11.9"));
        Assert.Null(plan.Publish("E11.65"));
    }

    [Fact]
    public void For_RareCodesBesideTheCategoryCodeItself_JoinItsHolders()
    {
        // Act: "E11" on its own is held by two, E11.65 by one: three patients show "E11".
        var plan = Plan(["E11"], ["E11"], ["E11.65"]);

        // Assert
        Assert.Equal("E11", plan.Publish("E11"));
        Assert.Equal("E11", plan.Publish("E11.65"));
        Assert.Equal((1, 0), (plan.GeneralizedCodes, plan.SuppressedCodes));
    }

    [Fact]
    public void For_CodeCountedOncePerPatient_HoweverManyVisitsHoldIt()
    {
        // Arrange: one patient with I10 at three visits, one more with I10.
        var counter = new DiagnosisCodeCounter();
        counter.Add(["I10", "I10", "I10"]);
        counter.Add(["I10"]);

        // Act
        var plan = DiagnosisCodePlan.For(counter, K);

        // Assert
        Assert.Null(plan.Publish("I10"));
    }

    [Fact]
    public void Publish_CodeThatWasNotCounted_LeftOut()
    {
        // Arrange
        var plan = Plan(["I10"], ["I10"], ["I10"]);

        // Act, Assert: a visit recorded between the counting and the writing has no k holders to show.
        Assert.Null(plan.Publish("J06.9"));
    }

    [Fact]
    public void Apply_Visits_PublishedCodesInTheirOrderEachOnceTheRareOnesDropped()
    {
        // Arrange
        var plan = Plan(["I10", "E11.65"], ["I10", "E11.9"], ["I10", "E11.21", "S72.001A"]);
        var patient = new ExportPatient(Guid.CreateVersion7(), new DateOnly(1980, 1, 1), Sex.Female, "02139",
        [
            Visit("S72.001A", "E11.65", "I10", "E11.21"),
            Visit(),
        ]);

        // Act
        var shown = plan.Apply(patient);

        // Assert
        Assert.Equal(["E11", "I10"], shown.Visits[0].DiagnosisCodes);
        Assert.Empty(shown.Visits[1].DiagnosisCodes);
        Assert.Equal(patient.Visits[0] with { DiagnosisCodes = shown.Visits[0].DiagnosisCodes }, shown.Visits[0]);
    }

    [Theory]
    [InlineData("E11.65", "E11")]
    [InlineData("S72.001A", "S72")]
    [InlineData("I10", "I10")]
    public void CategoryOf_Code_ItsFirstThreeCharacters(string code, string category)
    {
        // Act, Assert
        Assert.Equal(category, DiagnosisCodePlan.CategoryOf(code));
    }

    /// <summary>The plan at k = 3 over one release, one array of codes per patient.</summary>
    private static DiagnosisCodePlan Plan(params string[][] patients)
    {
        var counter = new DiagnosisCodeCounter();
        foreach (var codes in patients)
        {
            counter.Add(codes);
        }

        return DiagnosisCodePlan.For(counter, K);
    }

    private static ExportVisit Visit(params string[] codes) =>
        new(new DateTimeOffset(2025, 3, 4, 9, 30, 0, TimeSpan.Zero), VisitType.Checkup, 170m, 70m, 120, 80, 60, 36.8m, codes);
}
