namespace MedicalPortal.Data.Catalog;

/// <summary>A row of the shard map: buckets <see cref="FirstBucket"/>..<see cref="LastBucket"/> live on <see cref="Shard"/>.</summary>
internal sealed class ShardRangeRow
{
    public int FirstBucket { get; set; }

    public int LastBucket { get; set; }

    public string Shard { get; set; } = "";
}
