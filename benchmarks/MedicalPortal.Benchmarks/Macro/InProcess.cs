using System.Diagnostics;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data;
using MedicalPortal.Data.Providers;
using MedicalPortal.Data.Providers.Postgres;
using MedicalPortal.Data.Providers.Sqlite;
using MedicalPortal.Data.Sharding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedicalPortal.Benchmarks.Macro;

/// <summary>
/// Core and Data wired as the portal wires them, in this process, on a data set (SQLite or PostgreSQL): for what HTTP
/// would only blur (the write path against EF alone) and for setting up studies with their participants in bulk.
/// </summary>
internal sealed class InProcess : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly DataSet _data;

    private InProcess(IHost host, DataSet data)
    {
        _host = host;
        _data = data;
    }

    public IServiceProvider Services => _host.Services;

    public static async Task<InProcess> OpenAsync(DataSet data)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Development,
            ContentRootPath = data.Directory,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(PortalCommand.Configuration(data)
            .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)));
        builder.Logging.ClearProviders();
        builder.AddMedicalPortalCore();
        builder.AddMedicalPortalData();
        var host = builder.Build();
        await host.Services.GetRequiredService<IDatabaseInitializer>().InitializeAsync(CancellationToken.None);
        return new InProcess(host, data);
    }

    /// <summary>A study with every <paramref name="every"/>-th patient consenting, written in bulk per shard.</summary>
    public async Task<Guid> CreateStudyAsync(string title, IReadOnlyList<string> patientIds, int every)
    {
        var now = DateTimeOffset.UtcNow;
        var study = await Services.GetRequiredService<IStudyStore>().AddAsync(AuditActor.System, MedicalStudy.Create(new StudyInput
        {
            Title = title,
            PrincipalInvestigator = "Dr. Benchmark",
            Status = StudyStatus.Active,
            StartDate = new DateOnly(2025, 1, 1),
        }, now), CancellationToken.None);

        var map = Services.GetRequiredService<IShardMap>();
        var shards = Services.GetRequiredService<ShardContextFactory>();
        var chosen = patientIds.Where((_, i) => i % every == 0).Select(Guid.Parse);
        foreach (var group in chosen.GroupBy(id => map.ShardForPatient(id)))
        {
            foreach (var batch in group.Chunk(2000))
            {
                await using var context = shards.Create(group.Key);
                context.Actor = AuditActor.System; // every audited save names its actor
                context.Enrollments.AddRange(batch.Select(id => Enrollment.Consent(study.Id, id, now.AddDays(-30), now)));
                await context.SaveChangesAsync();
            }
        }

        return study.Id;
    }

    /// <summary>
    /// Visits recorded for <paramref name="duration"/> by <paramref name="workers"/> concurrent callers: through
    /// <see cref="VisitService"/> (authorization, validation, audit, cache), or through EF alone (the same entity added
    /// to a shard context without the audit interceptor).
    /// </summary>
    public async Task<LoadResult> RecordVisitsAsync(IReadOnlyList<string> patientIds, bool efOnly, TimeSpan duration, int workers)
    {
        var service = Services.GetRequiredService<VisitService>();
        var map = Services.GetRequiredService<IShardMap>();
        var databaseOptions = Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value;
        DatabaseProviderServices plain = databaseOptions.Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteProviderServices(
                Services.GetRequiredService<IHostEnvironment>().ContentRootPath, [], NullLoggerFactory.Instance),
            DatabaseProvider.Postgres => new PostgresProviderServices(databaseOptions, [], NullLoggerFactory.Instance),
            var other => throw new NotSupportedException($"The benchmarks run on SQLite or PostgreSQL, not {other}."),
        };
        var shardOptions = databaseOptions.Shards
            .ToDictionary(s => s.Name, s => plain.ShardOptions(s.Name, s.ConnectionString, availability: null), StringComparer.OrdinalIgnoreCase);
        var doctor = new BenchUser("benchmark-doctor", "doctor@clinic.test", RoleNames.Doctor);
        var input = new VisitInput
        {
            StartedAt = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), // after every seeded birth (seeding counts from this day)
            Type = VisitType.FollowUp,
            Clinician = "Dr. Bench",
            Reason = "Benchmark",
            Systolic = 120,
            Diastolic = 80,
            HeartRate = 64,
            DiagnosisCodes = ["I10"],
        };
        var birthDate = new DateOnly(1970, 1, 1);

        return await LoadAsync(patientIds, duration, workers, async patientId =>
        {
            if (efOnly)
            {
                await using var context = plain.NewShard(shardOptions[map.ShardForPatient(patientId)]);
                context.Visits.Add(Visit.Record(patientId, birthDate, input, DateTimeOffset.UtcNow));
                await context.SaveChangesAsync();
            }
            else
            {
                await service.RecordAsync(doctor, patientId, input, CancellationToken.None);
            }
        });
    }

    /// <summary>
    /// The read audit alone: <paramref name="readers"/> concurrent callers each recording one read of a random patient
    /// and waiting until it is durable, as every API read does (group commit per shard, decision 0013).
    /// </summary>
    public async Task<LoadResult> RecordReadsAsync(IReadOnlyList<string> patientIds, TimeSpan duration, int readers)
    {
        var log = Services.GetRequiredService<Core.Audit.IAccessLog>();
        var actor = new Core.Audit.AuditActor("benchmark-doctor", "doctor@clinic.test");
        return await LoadAsync(patientIds, duration, readers, patientId => log.RecordAsync(
            new Core.Audit.AccessRecord(actor, Core.Audit.AuditAction.Read, Resource.Patient, patientId.ToString("D"), [patientId]),
            CancellationToken.None));
    }

    /// <summary>
    /// <paramref name="workers"/> concurrent callers, each running <paramref name="operation"/> on random patients from
    /// <paramref name="patientIds"/> until <paramref name="duration"/> is up; throughput and latency of all their calls.
    /// </summary>
    private static async Task<LoadResult> LoadAsync(
        IReadOnlyList<string> patientIds, TimeSpan duration, int workers, Func<Guid, Task> operation)
    {
        var latencies = new List<double>[workers];
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            var mine = latencies[worker] = [];
            while (stop.Elapsed < duration)
            {
                var patientId = Guid.Parse(patientIds[random.Next(patientIds.Count)]);
                var started = Stopwatch.GetTimestamp();
                await operation(patientId);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));

        var all = latencies.SelectMany(l => l).Order().ToList();
        return new LoadResult(
            all.Count / stop.Elapsed.TotalSeconds, all[all.Count / 2], all[(int)(all.Count * 0.99)], all.Count, 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }

        _data.ReleaseConnections();
    }
}
