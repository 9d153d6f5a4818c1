using MedicalPortal.Data.Sharding;

namespace MedicalPortal.Data.Tests.Sharding;

public sealed class ShardMapTests
{
    [Fact]
    public void ShardForBucket_BeforeTheMapIsLoaded_ExplainsWhatIsMissing()
    {
        var map = new ShardMap(null!);

        var error = Assert.Throws<InvalidOperationException>(() => map.ShardForBucket(0));
        Assert.Contains("not been loaded", error.Message, StringComparison.Ordinal);
    }
}
