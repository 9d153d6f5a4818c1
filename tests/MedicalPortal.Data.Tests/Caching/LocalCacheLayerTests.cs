using MedicalPortal.Data.Caching;

namespace MedicalPortal.Data.Tests.Caching;

/// <summary>The in-process layer alone: what one node with no Redis relies on.</summary>
public sealed class LocalCacheLayerTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    [Fact]
    public void TryFill_NothingEvictedSinceTheStamp_IsStored()
    {
        using var layer = new LocalCacheLayer(100, Lifetime);
        var stamp = layer.Stamp("patient:1");

        var stored = layer.TryFill("patient:1", stamp, new LocalEntry("loaded", 1));

        Assert.True(stored);
        Assert.Equal("loaded", layer.Find("patient:1")?.Value);
    }

    [Fact]
    public void TryFill_EvictedAfterTheStamp_IsRefused()
    {
        using var layer = new LocalCacheLayer(100, Lifetime);
        var stamp = layer.Stamp("patient:1");
        layer.Evict("patient:1");

        var stored = layer.TryFill("patient:1", stamp, new LocalEntry("old", 1));

        Assert.False(stored);
        Assert.Null(layer.Find("patient:1"));
    }

    [Fact]
    public void TryFill_AfterANewerValueWasWritten_IsRefused()
    {
        using var layer = new LocalCacheLayer(100, Lifetime);
        var stamp = layer.Stamp("patient:1");
        Write(layer, "patient:1", new LocalEntry("version 2", 2));

        var stored = layer.TryFill("patient:1", stamp, new LocalEntry("version 1", 1));

        Assert.False(stored);
        Assert.Equal("version 2", layer.Find("patient:1")?.Value);
    }

    [Fact]
    public void TryFill_WhileAWriteIsInProgress_IsRefused_AndFindSeesNothing()
    {
        using var layer = new LocalCacheLayer(100, Lifetime);
        Write(layer, "patient:1", new LocalEntry("version 1", 1));
        layer.BeginWrite("patient:1");
        var stamp = layer.Stamp("patient:1");

        var stored = layer.TryFill("patient:1", stamp, new LocalEntry("read mid-write", 1));

        Assert.False(stored);
        Assert.Null(layer.Find("patient:1"));
    }

    [Fact]
    public void CompleteWrite_OlderThanTheCachedValue_KeepsTheNewerOne()
    {
        using var layer = new LocalCacheLayer(100, Lifetime);
        layer.BeginWrite("patient:1");
        layer.BeginWrite("patient:1");
        layer.CompleteWrite("patient:1", new LocalEntry("version 3", 3));

        layer.CompleteWrite("patient:1", new LocalEntry("version 2", 2));

        Assert.Equal("version 3", layer.Find("patient:1")?.Value);
    }

    [Fact]
    public void CompleteWrite_AfterATombstone_StaysDeleted()
    {
        using var layer = new LocalCacheLayer(100, Lifetime);
        Write(layer, "patient:1", new LocalEntry(null, RecordCache.TombstoneVersion));

        Write(layer, "patient:1", new LocalEntry("a late update", 7));

        Assert.True(layer.Find("patient:1")?.IsTombstone);
    }

    [Fact]
    public void CompleteWrite_WithoutAValue_Invalidates()
    {
        using var layer = new LocalCacheLayer(100, Lifetime);
        Write(layer, "visits:1", new LocalEntry("list", 0));

        Write(layer, "visits:1", null);

        Assert.Null(layer.Find("visits:1"));
    }

    [Fact]
    public void Clear_ForgetsEverything_AndRefusesLoadsStartedBefore()
    {
        using var layer = new LocalCacheLayer(100, Lifetime);
        Write(layer, "patient:1", new LocalEntry("cached", 1));
        var stamp = layer.Stamp("patient:2");

        layer.Clear();

        Assert.Null(layer.Find("patient:1"));
        Assert.False(layer.TryFill("patient:2", stamp, new LocalEntry("loaded before the clear", 1)));
    }

    [Fact]
    public void Evict_OtherKey_LeavesThisOneCached()
    {
        using var layer = new LocalCacheLayer(100, Lifetime);
        Write(layer, "patient:1", new LocalEntry("cached", 1));

        layer.Evict("patient:2");

        Assert.Equal("cached", layer.Find("patient:1")?.Value);
    }

    private static void Write(LocalCacheLayer layer, string key, LocalEntry? entry)
    {
        layer.BeginWrite(key);
        layer.CompleteWrite(key, entry);
    }
}
