namespace MedicalPortal.Core.Paging;

/// <summary>
/// One page of a list and the opaque cursor of the next page (null on the last page). A list gathered from every shard
/// names the shards that did not answer in <see cref="UnavailableShards"/>: the page holds the others' records only.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    /// <summary>The shards whose records are missing from this page because they did not answer; empty when all did.</summary>
    public IReadOnlyList<string> UnavailableShards { get; init; } = [];
}
