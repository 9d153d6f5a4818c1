using BenchmarkDotNet.Attributes;
using MedicalPortal.Core.Patients;
using MedicalPortal.Data.Patients;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Benchmarks.Micro;

/// <summary>
/// One shard's part of a search page (21 patients, one name word) on an in-memory SQLite shard of 5,000 patients: the
/// query as each search builds it, against the compiled query the search runs for this shape. The SQL is the same; the
/// difference is EF Core's work in .NET on each call.
/// </summary>
[MemoryDiagnoser]
public class SearchQueries : IDisposable
{
    private const int Take = 21;

    private static readonly string[] Syllables = ["an", "bel", "cor", "dan", "el", "fer", "gar", "hal", "is", "jor", "ka", "lin"];

    private readonly PatientSearch _search = PatientSearch.Parse("gar", cursor: null, limit: 20);
    private InMemoryShard _shard = default!;

    [GlobalSetup]
    public void Setup()
    {
        _shard = new InMemoryShard();

        // Synthetic names from syllables; the move flag leaves the seeding out of the audit trail.
        var shard = _shard.Context;
        shard.CopiesForMove = true;
        var random = new Random(17);
        var now = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 5_000; i++)
        {
            shard.Patients.Add(Patient.Register(Guid.CreateVersion7(), Mrn.Generate(), new PatientInput
            {
                GivenName = Name(random),
                FamilyName = Name(random),
                BirthDate = new DateOnly(1950, 1, 1).AddDays(random.Next(20_000)),
                Sex = Sex.Unknown,
            }, now));
        }

        shard.SaveChanges();
        shard.ChangeTracker.Clear();
    }

    [Benchmark(Baseline = true, Description = "One shard's first page, one name word, query built each time")]
    public Task<List<Patient>> Built() => PatientSearchQuery.Matching(_shard.Context, _search, after: null).Take(Take).ToListAsync();

    [Benchmark(Description = "One shard's first page, one name word, compiled query")]
    public Task<List<Patient>> Compiled() => PatientSearchQuery.ReadAsync(_shard.Context, _search, after: null, Take, CancellationToken.None);

    [GlobalCleanup]
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _shard?.Dispose();
        }
    }

    private static string Name(Random random)
    {
        var name = string.Concat(Enumerable.Range(0, 2 + random.Next(2)).Select(_ => Syllables[random.Next(Syllables.Length)]));
        return char.ToUpperInvariant(name[0]) + name[1..];
    }
}
