using System.Security.Cryptography;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Providers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// The catalog's <c>ShardRegistrations</c>: read at start into <see cref="ShardContextFactory"/>, written by
/// <c>shards add</c>. Connection strings are kept protected with the Data Protection key ring every node shares.
/// </summary>
internal sealed class ShardRegistry(
    DatabaseProviderServices provider,
    IDbContextFactory<CatalogDbContext> catalog,
    DatabaseOptions options,
    ShardContextFactory shards,
    DatabaseMigrator migrator,
    IDataProtectionProvider protection,
    TimeProvider clock) : IShardRegistry
{
    /// <summary>Where a registered shard's connection string comes from, as a message that it cannot be reached names it.</summary>
    public const string Setting = "registered in the catalog";

    /// <summary>What the connection strings are protected for: no other protector of the key ring can read them.</summary>
    public const string Purpose = "MedicalPortal.ShardRegistry.ConnectionString";

    private const string Given = "the connection string given";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    /// <summary>Makes every registered shard known to this node: at start, once the catalog is at the latest migration.</summary>
    public async Task LearnRegisteredAsync(CancellationToken cancellationToken)
    {
        foreach (var shard in await ReadAsync(cancellationToken))
        {
            shards.Learn(shard);
        }
    }

    public string? Problem(string name, string connectionString) =>
        ShardNames.Problem(name) is { } wrongName ? $"The shard name '{name}' {wrongName}."
        : string.IsNullOrWhiteSpace(connectionString) ? "The connection string is empty."
        : provider.ConnectionStringProblem(connectionString) is { } connection ? $"The connection string {connection}."
        : null;

    public async Task<ShardAddition> AddAsync(string name, string connectionString, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Problem(name, connectionString) is { } problem)
        {
            return Refused(name, problem);
        }

        if (shards.Configured.FirstOrDefault(shard => SameName(shard, name)) is { } configured)
        {
            return Refused(configured, $"The shard '{configured}' is configured in {DatabaseOptions.SectionName}:Shards already.");
        }

        var registered = await ReadAsync(cancellationToken);
        if (registered.FirstOrDefault(shard => SameName(shard.Name, name)) is { } existing)
        {
            return Again(existing, connectionString);
        }

        if (InUse(connectionString, registered) is { } user)
        {
            return Refused(name, $"The connection string leads to the database of {user}: a shard needs a database of its own.");
        }

        await MigrateAsync(name, connectionString, cancellationToken);

        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        context.Actor = actor;
        context.ShardRegistrations.Add(new ShardRegistrationRow
        {
            Name = name,
            ProtectedConnectionString = _protector.Protect(connectionString),
            AddedAt = clock.GetUtcNow(),
        });
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Registered by someone else at the same moment: the same request if it is the same database.
            var winner = await FindAsync(name, cancellationToken);
            if (winner is null)
            {
                throw;
            }

            return Again(winner, connectionString);
        }

        var shard = new ShardConnection { Name = name, ConnectionString = connectionString };
        shards.Learn(shard);
        return new ShardAddition(ShardAdditionOutcome.Added, name);
    }

    private ShardAddition Again(ShardConnection registered, string connectionString)
    {
        if (!string.Equals(registered.ConnectionString, connectionString, StringComparison.Ordinal))
        {
            return Refused(registered.Name, $"The shard '{registered.Name}' is registered already, with another connection string.");
        }

        shards.Learn(registered);
        return new ShardAddition(ShardAdditionOutcome.AlreadyAdded, registered.Name);
    }

    private async Task MigrateAsync(string name, string connectionString, CancellationToken cancellationToken)
    {
        DbContextOptions migrating;
        try
        {
            migrating = provider.ShardOptions(name, connectionString, availability: null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A SQLite file whose folder cannot be made.
            throw new DatabaseUnavailableException(name, Given, e.Message, e);
        }

        await using var context = provider.NewShard(migrating);
        await migrator.MigrateAsync(context, name, Given, cancellationToken);
    }

    /// <summary>The catalog or the shard whose database <paramref name="connectionString"/> leads to, if any.</summary>
    private string? InUse(string connectionString, IReadOnlyList<ShardConnection> registered)
    {
        var database = provider.DatabaseOf(connectionString);
        if (database == provider.DatabaseOf(options.Catalog))
        {
            return "the catalog";
        }

        var inUse = shards.Known.Select(shard => (Name: shard, ConnectionString: shards.ConnectionStringOf(shard)))
            .Concat(registered.Select(shard => (shard.Name, shard.ConnectionString)))
            .FirstOrDefault(shard => provider.DatabaseOf(shard.ConnectionString) == database);
        return inUse.Name is { } name ? $"shard '{name}'" : null;
    }

    private async Task<ShardConnection?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken)).FirstOrDefault(shard => SameName(shard.Name, name));

    /// <summary>Every registration, in the order the shards were added.</summary>
    private async Task<List<ShardConnection>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var context = await catalog.CreateDbContextAsync(cancellationToken);
        var rows = await context.ShardRegistrations.AsNoTracking()
            .OrderBy(r => r.AddedAt).ThenBy(r => r.Name)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(row => new ShardConnection { Name = row.Name, ConnectionString = Unprotect(row) })];
    }

    private string Unprotect(ShardRegistrationRow row)
    {
        try
        {
            return _protector.Unprotect(row.ProtectedConnectionString);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"The connection string of the registered shard '{row.Name}' cannot be read: the Data Protection key ring " +
                "in the catalog no longer holds the key it was protected with.", e);
        }
    }

    private static bool SameName(string shard, string name) => string.Equals(shard, name, StringComparison.OrdinalIgnoreCase);

    private static ShardAddition Refused(string shard, string problem) => new(ShardAdditionOutcome.Refused, shard, problem);
}
