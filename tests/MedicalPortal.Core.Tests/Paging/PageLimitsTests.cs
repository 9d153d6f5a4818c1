using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Tests.Validation;

namespace MedicalPortal.Core.Tests.Paging;

public sealed class PageLimitsTests
{
    [Fact]
    public void Resolve_Null_IsTheDefaultOfFifty()
    {
        // Act
        var limit = PageLimits.Resolve(null);

        // Assert
        Assert.Equal(50, limit);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(200)]
    public void Resolve_OneTo200_IsKeptAsIs(int requested)
    {
        // Act
        var limit = PageLimits.Resolve(requested);

        // Assert
        Assert.Equal(requested, limit);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(201)]
    [InlineData(int.MaxValue)]
    public void Resolve_OutsideOneTo200_ThrowsValidationFailedForLimitInsteadOfClamping(int requested)
    {
        // Act, Assert
        ValidationAssert.Throws("limit", () => PageLimits.Resolve(requested));
    }
}
