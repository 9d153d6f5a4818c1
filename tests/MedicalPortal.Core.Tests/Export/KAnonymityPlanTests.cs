using MedicalPortal.Core.Export;

namespace MedicalPortal.Core.Tests.Export;

public sealed class KAnonymityPlanTests
{
    [Fact]
    public void For_ClassesOfAtLeastK_PublishedUnchanged()
    {
        // Arrange
        var q = new QuasiIdentifiers("1980", "female", "021");

        // Act
        var plan = KAnonymityPlan.For(new Dictionary<QuasiIdentifiers, int> { [q] = 5 }, k: 5);

        // Assert
        Assert.Equal(q, plan.Publish(q));
        Assert.Equal(0, plan.GeneralizedPatients);
        Assert.Equal(0, plan.SuppressedPatients);
    }

    [Fact]
    public void For_SmallClassesThatFillUpWithoutTheZip_ZipBecomes000()
    {
        // Arrange: three ZIP areas, none with k patients, together k.
        var sizes = new Dictionary<QuasiIdentifiers, int>
        {
            [new("1980", "female", "021")] = 2,
            [new("1980", "female", "100")] = 2,
            [new("1980", "female", "606")] = 1,
        };

        // Act
        var plan = KAnonymityPlan.For(sizes, k: 5);

        // Assert
        Assert.All(sizes.Keys, q => Assert.Equal(new QuasiIdentifiers("1980", "female", "000"), plan.Publish(q)));
        Assert.Equal(5, plan.GeneralizedPatients);
        Assert.Equal(0, plan.SuppressedPatients);
    }

    [Fact]
    public void For_SmallClassesThatNeedTheDecade_BirthYearBecomesDecade()
    {
        // Arrange
        var sizes = new Dictionary<QuasiIdentifiers, int>
        {
            [new("1981", "male", "021")] = 2,
            [new("1984", "male", "100")] = 2,
            [new("1989", "male", "606")] = 1,
        };

        // Act
        var plan = KAnonymityPlan.For(sizes, k: 5);

        // Assert
        Assert.All(sizes.Keys, q => Assert.Equal(new QuasiIdentifiers("1980-1989", "male", "000"), plan.Publish(q)));
        Assert.Equal(5, plan.GeneralizedPatients);
    }

    [Fact]
    public void For_ClassTooSmallEvenGeneralized_Suppressed()
    {
        // Arrange
        var lonely = new QuasiIdentifiers("90+", "other", "021");
        var sizes = new Dictionary<QuasiIdentifiers, int> { [lonely] = 1, [new("1980", "female", "021")] = 7 };

        // Act
        var plan = KAnonymityPlan.For(sizes, k: 5);

        // Assert
        Assert.Null(plan.Publish(lonely));
        Assert.Equal(1, plan.SuppressedPatients);
    }

    [Fact]
    public void Publish_ClassNotCounted_HeldBack()
    {
        // Arrange: a patient who consented after the classes were counted.
        var plan = KAnonymityPlan.For(new Dictionary<QuasiIdentifiers, int>(), k: 5);

        // Act
        var published = plan.Publish(new QuasiIdentifiers("1980", "female", "021"));

        // Assert
        Assert.Null(published);
    }

    /// <summary>
    /// The property: for any population and any k, every published class holds at least k patients, and every
    /// patient is either published or counted as suppressed.
    /// </summary>
    [Theory]
    [MemberData(nameof(Populations))]
    public void For_AnyPopulation_EveryPublishedClassHasAtLeastK(int seed, int k)
    {
        // Arrange
        var random = new Random(seed);
        var sexes = new[] { "female", "male", "other", "unknown" };
        var zips = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(0, 1000).ToString("000", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var sizes = new Dictionary<QuasiIdentifiers, int>();
        var patients = random.Next(0, 600);
        for (var i = 0; i < patients; i++)
        {
            var year = random.Next(0, 20) == 0 ? "90+" : (1930 + random.Next(0, 95)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var q = new QuasiIdentifiers(year, sexes[random.Next(sexes.Length)], zips[random.Next(zips.Length)]);
            sizes[q] = sizes.GetValueOrDefault(q) + 1;
        }

        // Act
        var plan = KAnonymityPlan.For(sizes, k);

        // Assert
        var published = new Dictionary<QuasiIdentifiers, int>();
        var suppressed = 0;
        foreach (var (original, size) in sizes)
        {
            if (plan.Publish(original) is { } q)
            {
                published[q] = published.GetValueOrDefault(q) + size;
            }
            else
            {
                suppressed += size;
            }
        }

        Assert.All(published, c => Assert.True(c.Value >= k, $"Class {c.Key} has {c.Value} < {k} patients (seed {seed})."));
        Assert.Equal(patients, plan.Patients);
        Assert.Equal(suppressed, plan.SuppressedPatients);
        Assert.Equal(patients, published.Values.Sum() + suppressed);
    }

    public static TheoryData<int, int> Populations()
    {
        var data = new TheoryData<int, int>();
        foreach (var seed in Enumerable.Range(1, 60))
        {
            data.Add(seed, 2 + (seed % 9));
        }

        return data;
    }
}
