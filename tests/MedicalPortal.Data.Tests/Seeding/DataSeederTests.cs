using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Data.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Data.Tests.Seeding;

public abstract class DataSeederTests(TestProvider provider)
{
    private const string Password = "Test-Password-2026";

    [Fact]
    public async Task SeedDemoAsync_TwiceAndOnTwoNodesAtOnce_SeedsEverythingExactlyOnce()
    {
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 2);
        await using var second = await ShardedDatabase.StartAsync(db.Databases);

        await SeedAsync(db);
        var afterFirst = await CountAsync(db);
        await Task.WhenAll(SeedAsync(db), SeedAsync(second));
        var afterRace = await CountAsync(db);

        Assert.Equal(300, afterFirst.Patients);
        Assert.True(afterFirst.Visits > 300);
        Assert.Equal(afterFirst.Patients, afterRace.Patients);
        Assert.Equal(afterFirst.Visits, afterRace.Visits);
        Assert.Equal(afterFirst.PerShard, afterRace.PerShard);
        Assert.All(afterFirst.PerShard, count => Assert.InRange(count, 100, 200));

        await using var scope = db.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        foreach (var account in DemoAccounts.All)
        {
            var user = await users.FindByEmailAsync(account.Email);
            Assert.NotNull(user);
            Assert.Equal([account.Role], await users.GetRolesAsync(user));
            Assert.True(await users.CheckPasswordAsync(user, Password));
        }

        var patientAccount = await users.FindByEmailAsync("patient@clinic.test");
        Assert.NotNull(patientAccount!.PatientId);
        Assert.NotNull(await db.Get<Core.Patients.IPatientStore>().FindAsync(patientAccount.PatientId.Value, CancellationToken.None));
    }

    [Fact]
    public async Task SeedDemoAsync_OnTwoInstallations_GivesTheSamePatients()
    {
        await using var one = await ShardedDatabase.CreateAsync(provider, shardCount: 2);
        await using var other = await ShardedDatabase.CreateAsync(provider, shardCount: 2);

        await SeedAsync(one);
        await SeedAsync(other);

        Assert.Equal(await MrnsAndNamesAsync(one), await MrnsAndNamesAsync(other));
    }

    [Fact]
    public async Task SeedPatientsAsync_AddsTheRequestedNumbersOverAllShards()
    {
        await using var db = await ShardedDatabase.CreateAsync(provider, shardCount: 2);
        await using var scope = db.Services.CreateAsyncScope();
        var reports = new List<SeedResult>();

        var result = await scope.ServiceProvider.GetRequiredService<IDataSeeder>()
            .SeedPatientsAsync(2_345, 3, new SynchronousProgress(reports), CancellationToken.None);

        var counts = await CountAsync(db);
        Assert.Equal(new SeedResult(2_345, 7_035), result);
        Assert.Equal(2_345, counts.Patients);
        Assert.Equal(7_035, counts.Visits);
        Assert.Equal([1_000, 2_000, 2_345], reports.Select(r => r.Patients));
        Assert.All(counts.PerShard, count => Assert.InRange(count, 1_000, 1_345));
    }

    [Fact]
    public async Task SeedPatientsAsync_SameRandomSeed_SamePatientsOnAnyNumberOfShards()
    {
        await using var one = await ShardedDatabase.CreateAsync(provider, shardCount: 1);
        await using var four = await ShardedDatabase.CreateAsync(provider, shardCount: 4);

        foreach (var db in new[] { one, four })
        {
            await using var scope = db.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IDataSeeder>().SeedPatientsAsync(300, 1, null, CancellationToken.None, randomSeed: 42);
        }

        var onOne = await MrnsAndNamesAsync(one);
        Assert.Equal(300, onOne.Count);
        Assert.Equal(onOne, await MrnsAndNamesAsync(four));
    }

    private static async Task SeedAsync(ShardedDatabase db)
    {
        await using var scope = db.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IDataSeeder>().SeedDemoAsync(Password, CancellationToken.None);
    }

    private static async Task<(int Patients, int Visits, List<int> PerShard)> CountAsync(ShardedDatabase db)
    {
        var perShard = new List<int>();
        var visits = 0;
        foreach (var shard in db.Get<IShardMap>().Shards)
        {
            await using var context = db.OpenShard(shard);
            perShard.Add(await context.Patients.CountAsync());
            visits += await context.Visits.CountAsync();
        }

        return (perShard.Sum(), visits, perShard);
    }

    private static async Task<List<string>> MrnsAndNamesAsync(ShardedDatabase db)
    {
        var all = new List<string>();
        foreach (var shard in db.Get<IShardMap>().Shards)
        {
            await using var context = db.OpenShard(shard);
            all.AddRange(await context.Patients.Select(p => p.Id + " " + p.Mrn + " " + p.FamilyName + " " + p.GivenName + " " + p.BirthDate).ToListAsync());
        }

        return [.. all.Order(StringComparer.Ordinal)];
    }

    private sealed class SynchronousProgress(List<SeedResult> reports) : IProgress<SeedResult>
    {
        public void Report(SeedResult value) => reports.Add(value);
    }

    public sealed class OnSqlite() : DataSeederTests(TestProvider.Sqlite);

    public sealed class OnPostgres() : DataSeederTests(TestProvider.Postgres);
}
