namespace MedicalPortal.Data.Catalog;

/// <summary>
/// A shard an operator added with <c>shards add</c>: every node learns it from here at start, beside the shards its
/// <c>Database:Shards</c> configures, so adding a shard needs no node's configuration changed.
/// </summary>
internal sealed class ShardRegistrationRow
{
    public string Name { get; set; } = "";

    /// <summary>
    /// The connection string, protected with ASP.NET Core Data Protection (the key ring in this catalog, shared by every
    /// node): it may carry a password, and a copy of the catalog should not hand it out.
    /// </summary>
    public string ProtectedConnectionString { get; set; } = "";

    public DateTimeOffset AddedAt { get; set; }
}
