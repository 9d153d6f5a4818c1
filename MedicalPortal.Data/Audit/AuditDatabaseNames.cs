using System.Collections.Concurrent;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Providers;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// The name of the database a context writes to, as a chain head's seal holds it: "catalog", or the shard's name. It
/// comes from this node's configuration and the shard registry (the shard whose connection leads to the context's
/// database, compared as a shard being added is), never from the database itself, which anyone could edit.
/// </summary>
/// <remarks>
/// The shards are looked up when first needed: contexts are built from options that carry the audit interceptor, so
/// the shard contexts' factory cannot exist before the chain does. Each connection string is resolved once.
/// </remarks>
internal sealed class AuditDatabaseNames(Func<ShardContextFactory> shards, Func<DatabaseProviderServices> provider)
{
    private readonly ConcurrentDictionary<string, string> _shardsByConnection = new(StringComparer.Ordinal);

    public string Of(DbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context switch
        {
            CatalogDbContext => AuditStore.CatalogName,
            ShardDbContext => _shardsByConnection.GetOrAdd(
                context.Database.GetConnectionString() ?? throw new InvalidOperationException("A shard context has no connection string."),
                ShardOf),
            _ => throw new InvalidOperationException($"{context.GetType().Name} keeps no audit chain."),
        };
    }

    private string ShardOf(string connectionString)
    {
        var (factory, databases) = (shards(), provider());
        var database = databases.DatabaseOf(connectionString);
        return factory.Known.FirstOrDefault(shard => databases.DatabaseOf(factory.ConnectionStringOf(shard)) == database)
            ?? throw new InvalidOperationException(
                "The audit chain of a shard this node does not know cannot be sealed: it is neither configured nor registered.");
    }
}
