using MedicalPortal.Core.Export;

namespace MedicalPortal.Core.Tests.Export;

public sealed class StudyPseudonymsTests
{
    private static readonly byte[] MasterKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly Guid Patient = Guid.Parse("0198f0a0-0000-7000-8000-0000000000aa");
    private static readonly Guid StudyA = Guid.Parse("0198f0a0-0000-7000-8000-00000000000a");
    private static readonly Guid StudyB = Guid.Parse("0198f0a0-0000-7000-8000-00000000000b");

    [Fact]
    public void ResearchId_TwoStudies_DifferForOnePatient()
    {
        // Act
        var inA = new StudyPseudonyms(MasterKey, StudyA).ResearchId(Patient);
        var inB = new StudyPseudonyms(MasterKey, StudyB).ResearchId(Patient);

        // Assert
        Assert.NotEqual(inA, inB);
    }

    [Fact]
    public void ResearchId_SameStudyAndKey_SameEveryTime()
    {
        // Act
        var first = new StudyPseudonyms(MasterKey, StudyA).ResearchId(Patient);
        var second = new StudyPseudonyms(MasterKey, StudyA).ResearchId(Patient);

        // Assert
        Assert.Equal(first, second);
        Assert.Matches("^[0-9a-f]{32}$", first);
    }

    [Fact]
    public void ResearchId_AnotherMasterKey_Differs()
    {
        // Arrange
        var otherKey = MasterKey.Select(b => (byte)(b ^ 0xFF)).ToArray();

        // Act
        var ours = new StudyPseudonyms(MasterKey, StudyA).ResearchId(Patient);
        var theirs = new StudyPseudonyms(otherKey, StudyA).ResearchId(Patient);

        // Assert
        Assert.NotEqual(ours, theirs);
    }

    [Fact]
    public void ResearchId_PlainHashesOfTheId_NotWhatItIs()
    {
        // Arrange: what anyone without the key could compute from the patient id.
        var id = Patient.ToString("D");
        var guesses = new[]
        {
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..32],
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Patient.ToByteArray()))[..32],
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id.Replace("-", "", StringComparison.Ordinal))))[..32],
        };

        // Act
        var researchId = new StudyPseudonyms(MasterKey, StudyA).ResearchId(Patient);

        // Assert
        Assert.DoesNotContain(researchId, guesses);
    }

    [Fact]
    public void ResearchId_ManyPatients_NoCollisions()
    {
        // Arrange
        var pseudonyms = new StudyPseudonyms(MasterKey, StudyA);

        // Act
        var ids = Enumerable.Range(0, 10_000).Select(_ => pseudonyms.ResearchId(Guid.NewGuid())).ToHashSet();

        // Assert
        Assert.Equal(10_000, ids.Count);
    }

    [Fact]
    public void DateShiftDays_ManyPatients_WithinAYearAndNotAllEqual()
    {
        // Arrange
        var pseudonyms = new StudyPseudonyms(MasterKey, StudyA);

        // Act
        var shifts = Enumerable.Range(0, 1000).Select(_ => pseudonyms.DateShiftDays(Guid.NewGuid())).ToList();

        // Assert
        Assert.All(shifts, s => Assert.InRange(s, -365, 365));
        Assert.True(shifts.Distinct().Count() > 100);
        Assert.Equal(pseudonyms.DateShiftDays(Patient), new StudyPseudonyms(MasterKey, StudyA).DateShiftDays(Patient));
    }
}
