using MedicalPortal.Core.Audit;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Tests.Sharding;

/// <summary>
/// Shard contexts come from a pool: a context given back is handed out again, and nothing its last user left on it
/// reaches the next one (the actor it wrote as, what it tracked, a transaction it did not end).
/// </summary>
public abstract class ShardContextPoolTests(TestProvider provider) : IAsyncLifetime
{
    private ShardedDatabase _db = default!;

    public async Task InitializeAsync() => _db = await ShardedDatabase.CreateAsync(provider, shardCount: 1);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Create_AfterAContextThatNamedAnActor_TheSameContextNamingNone()
    {
        // Arrange: a context that was opened to write as a clinician, given back.
        var first = _db.OpenShard("shard-0");
        first.Actor = new AuditActor("clinician-1", "Dr Test");
        await first.DisposeAsync();

        // Act
        await using var next = _db.OpenShard("shard-0");

        // Assert
        Assert.Same(first, next);
        Assert.Null(next.Actor);
    }

    [Fact]
    public async Task Create_AfterAContextLeftTrackingAndInATransaction_StartsCleanAndNothingWasSaved()
    {
        // Arrange: a patient added but never saved, inside a transaction never committed.
        var patient = TestPatients.New(family: "Pooled");
        var first = _db.OpenShard("shard-0");

        // In a strategy of its own: a retrying one (PostgreSQL's) refuses a transaction begun outside it.
        await first.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await first.Database.BeginTransactionAsync();
            first.Patients.Add(patient);
        });
        await first.DisposeAsync();

        // Act
        await using var next = _db.OpenShard("shard-0");

        // Assert
        Assert.Same(first, next);
        Assert.Empty(next.ChangeTracker.Entries());
        Assert.Null(next.Database.CurrentTransaction);
        Assert.False(await next.Patients.IgnoreQueryFilters().AnyAsync(p => p.Id == patient.Id));
    }

    public sealed class OnSqlite() : ShardContextPoolTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : ShardContextPoolTests(TestProvider.Postgres);
}
