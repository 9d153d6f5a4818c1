using System.Runtime.CompilerServices;
using MedicalPortal.Core.Patients;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MedicalPortal.Data.Patients;

/// <summary>
/// One shard's patients matching a search, in the search order: the query <see cref="PatientStore"/> runs on each shard
/// of a fan-out. The shape nearly every search has (one name word, first page or a next one) runs as a compiled query,
/// which skips EF Core's expression tree work on each call (docs/PERFORMANCE.md); any other shape is built as it comes.
/// Both give the same SQL, so the same plan.
/// </summary>
internal static class PatientSearchQuery
{
    /// <summary>The compiled queries of each model: EF Core runs a compiled query only against the model it was compiled for.</summary>
    private static readonly ConditionalWeakTable<IModel, CompiledShapes> Compiled = [];

    /// <summary>
    /// The first <paramref name="take"/> patients of <paramref name="context"/>'s shard that match
    /// <paramref name="search"/> after <paramref name="after"/> (its own cursor, or where the previous read stopped).
    /// </summary>
    public static async Task<List<Patient>> ReadAsync(
        ShardDbContext context, PatientSearch search, PatientSortKey? after, int take, CancellationToken cancellationToken)
    {
        if (search is { NamePrefixes.Count: 1, MrnPrefix: null, BirthDate: null, OnlyPatientId: null })
        {
            var prefix = search.NamePrefixes[0];
            var end = NameKey.PrefixEnd(prefix);
            var shapes = Compiled.GetValue(context.Model, static _ => new CompiledShapes());
            var rows = after is { } key
                ? shapes.NameAfter(context, prefix, end, key.FamilyNameKey, key.GivenNameKey, key.Mrn, take)
                : shapes.Name(context, prefix, end, take);
            var found = new List<Patient>(take);
            await foreach (var patient in rows.WithCancellation(cancellationToken))
            {
                found.Add(patient);
            }

            return found;
        }

        return await Matching(context, search, after).Take(take).ToListAsync(cancellationToken);
    }

#pragma warning disable CA1309 // In EF queries string.Compare becomes a SQL comparison in the column's binary collation.
    /// <summary>The shard's patients that match <paramref name="search"/>, after <paramref name="after"/>, in the search order.</summary>
    public static IQueryable<Patient> Matching(ShardDbContext context, PatientSearch search, PatientSortKey? after)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(search);
        var query = context.Patients.AsNoTracking();

        if (search.OnlyPatientId is { } only)
        {
            query = query.Where(p => p.Id == only);
        }

        foreach (var prefix in search.NamePrefixes)
        {
            var end = NameKey.PrefixEnd(prefix);
            query = query.Where(p =>
                (string.Compare(p.FamilyNameKey, prefix) >= 0 && string.Compare(p.FamilyNameKey, end) < 0) ||
                (string.Compare(p.GivenNameKey, prefix) >= 0 && string.Compare(p.GivenNameKey, end) < 0));
        }

        if (search.MrnPrefix is { } mrn)
        {
            var end = NameKey.PrefixEnd(mrn);
            query = query.Where(p => string.Compare(p.Mrn, mrn) >= 0 && string.Compare(p.Mrn, end) < 0);
        }

        if (search.BirthDate is { } birthDate)
        {
            query = query.Where(p => p.BirthDate == birthDate);
        }

        if (after is { } key)
        {
            query = query.Where(p =>
                string.Compare(p.FamilyNameKey, key.FamilyNameKey) > 0 ||
                (p.FamilyNameKey == key.FamilyNameKey && string.Compare(p.GivenNameKey, key.GivenNameKey) > 0) ||
                (p.FamilyNameKey == key.FamilyNameKey && p.GivenNameKey == key.GivenNameKey &&
                 string.Compare(p.Mrn, key.Mrn) > 0));
        }

        return query.OrderBy(p => p.FamilyNameKey).ThenBy(p => p.GivenNameKey).ThenBy(p => p.Mrn);
    }

    /// <summary>The common shapes, compiled (each on its first call) for one model; written as <see cref="Matching"/> writes them.</summary>
    private sealed class CompiledShapes
    {
        /// <summary>One name word, the first page.</summary>
        public readonly Func<ShardDbContext, string, string, int, IAsyncEnumerable<Patient>> Name = EF.CompileAsyncQuery(
            (ShardDbContext c, string prefix, string end, int take) => c.Patients.AsNoTracking()
                .Where(p =>
                    (string.Compare(p.FamilyNameKey, prefix) >= 0 && string.Compare(p.FamilyNameKey, end) < 0) ||
                    (string.Compare(p.GivenNameKey, prefix) >= 0 && string.Compare(p.GivenNameKey, end) < 0))
                .OrderBy(p => p.FamilyNameKey).ThenBy(p => p.GivenNameKey).ThenBy(p => p.Mrn)
                .Take(take));

        /// <summary>One name word, the page after a key.</summary>
        public readonly Func<ShardDbContext, string, string, string, string, string, int, IAsyncEnumerable<Patient>> NameAfter = EF.CompileAsyncQuery(
            (ShardDbContext c, string prefix, string end, string family, string given, string mrn, int take) => c.Patients.AsNoTracking()
                .Where(p =>
                    (string.Compare(p.FamilyNameKey, prefix) >= 0 && string.Compare(p.FamilyNameKey, end) < 0) ||
                    (string.Compare(p.GivenNameKey, prefix) >= 0 && string.Compare(p.GivenNameKey, end) < 0))
                .Where(p =>
                    string.Compare(p.FamilyNameKey, family) > 0 ||
                    (p.FamilyNameKey == family && string.Compare(p.GivenNameKey, given) > 0) ||
                    (p.FamilyNameKey == family && p.GivenNameKey == given && string.Compare(p.Mrn, mrn) > 0))
                .OrderBy(p => p.FamilyNameKey).ThenBy(p => p.GivenNameKey).ThenBy(p => p.Mrn)
                .Take(take));
    }
#pragma warning restore CA1309
}
