using MedicalPortal.Core.Export;

namespace MedicalPortal.Core.Tests.Export;

/// <summary>The numbers of the export preview: exact at zero and from k on, "fewer than k" between.</summary>
public sealed class PreviewCountTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Of_BetweenOneAndKMinusOne_OnlyFewerThanK(int count)
    {
        // Act
        var shown = PreviewCount.Of(count, k: 5);

        // Assert
        Assert.True(shown.IsFewerThanK);
        Assert.Null(shown.Exact);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(1234)]
    public void Of_ZeroOrAtLeastK_Exact(int count)
    {
        // Act
        var shown = PreviewCount.Of(count, k: 5);

        // Assert
        Assert.False(shown.IsFewerThanK);
        Assert.Equal(count, shown.Exact);
    }
}
