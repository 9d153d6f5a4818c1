namespace MedicalPortal.Web.Api;

/// <summary>
/// A complete list in the list shape of ARCHITECTURE.md section 12: <c>{ items, nextCursor, unavailableShards }</c> with
/// no next page, and every database it needed answering.
/// </summary>
public sealed record ListResponse<T>(IReadOnlyList<T> Items)
{
    public string? NextCursor => null;

    public IReadOnlyList<string> UnavailableShards => [];
}
