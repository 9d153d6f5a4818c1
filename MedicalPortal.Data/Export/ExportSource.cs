using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Export;

/// <summary>
/// A study's participants from every shard at once: one reader per shard feeds a bounded channel, so shards are read in
/// parallel and memory stays flat however large the study is. Within a shard, participants are read in batches by id
/// with the visits of each batch.
/// </summary>
internal sealed class ExportSource(IShardMap map, ShardContextFactory shards) : IExportSource
{
    private const int Buffer = 256;
    private const int BatchSize = 500;

    public IAsyncEnumerable<ExportPatient> PopulationAsync(Guid studyId, CancellationToken cancellationToken) =>
        Merge((shard, ct) => PopulationOfShardAsync(shard, studyId, ct), cancellationToken);

    public IAsyncEnumerable<ExportPatient> ParticipantsAsync(
        Guid studyId, ChangeWindow? window, Func<ExportPatient, bool>? alsoSelect, CancellationToken cancellationToken) =>
        Merge((shard, ct) => SelectedOfShardAsync(shard, studyId, window, alsoSelect, WithVisitsAsync, ct), cancellationToken);

    public IAsyncEnumerable<ExportPatientCodes> DiagnosisCodesAsync(
        Guid studyId, ChangeWindow? window, Func<ExportPatient, bool>? alsoSelect, CancellationToken cancellationToken) =>
        Merge((shard, ct) => SelectedOfShardAsync(shard, studyId, window, alsoSelect, WithCodesAsync, ct), cancellationToken);

    private async IAsyncEnumerable<T> Merge<T>(
        Func<string, CancellationToken, IAsyncEnumerable<T>> perShard,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(Buffer) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readers = map.Shards.Select(shard => Task.Run(async () =>
        {
            await foreach (var patient in perShard(shard, stop.Token))
            {
                await channel.Writer.WriteAsync(patient, stop.Token);
            }
        }, stop.Token)).ToList();
        var done = Task.WhenAll(readers).ContinueWith(t => channel.Writer.TryComplete(t.Exception?.GetBaseException()), TaskScheduler.Default);

        try
        {
            await foreach (var patient in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return patient;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await done;
        }
    }

    private async IAsyncEnumerable<ExportPatient> PopulationOfShardAsync(
        string shard, Guid studyId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var context = shards.Create(shard);
        var participants = context.Patients.AsNoTracking().OwnedBy(map, shard)
            .Where(p => context.Enrollments.Any(e => e.StudyId == studyId && e.PatientId == p.Id && e.WithdrawnAt == null))
            .Select(p => new { p.Id, p.BirthDate, p.Sex, p.PostalCode })
            .AsAsyncEnumerable();
        await foreach (var p in participants.WithCancellation(cancellationToken))
        {
            yield return new ExportPatient(p.Id, p.BirthDate, p.Sex, p.PostalCode, []);
        }
    }

    /// <summary>
    /// The selected participants of one shard in batches by id, each batch completed by <paramref name="complete"/>
    /// (their visits, or only their codes) from the same context.
    /// </summary>
    private async IAsyncEnumerable<T> SelectedOfShardAsync<T>(
        string shard,
        Guid studyId,
        ChangeWindow? window,
        Func<ExportPatient, bool>? alsoSelect,
        Func<ShardDbContext, List<ExportPatient>, CancellationToken, Task<IEnumerable<T>>> complete,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = window?.After ?? DateTimeOffset.MinValue;
        var until = window?.Until ?? DateTimeOffset.MaxValue;
        var everyone = window is null;
        Guid? last = null;

        while (true)
        {
            // Participants in batches by id (keyset: the database orders and compares ids its own way), then the visits
            // of the selected ones: memory holds one batch, never the study.
            await using var context = shards.Create(shard);
            var query = context.Patients.AsNoTracking().OwnedBy(map, shard)
                .Where(p => context.Enrollments.Any(e => e.StudyId == studyId && e.PatientId == p.Id && e.WithdrawnAt == null));
            if (last is { } lastId)
            {
                query = query.Where(p => p.Id.CompareTo(lastId) > 0);
            }

            // Changed in the window: the record, the consent, or any visit (a new, corrected or moved one).
            var batch = await query
                .OrderBy(p => p.Id)
                .Take(BatchSize)
                .Select(p => new
                {
                    p.Id,
                    p.BirthDate,
                    p.Sex,
                    p.PostalCode,
                    Changed = everyone
                        || (p.UpdatedAt > after && p.UpdatedAt <= until)
                        || context.Enrollments.Any(e => e.StudyId == studyId && e.PatientId == p.Id && e.WithdrawnAt == null
                            && e.UpdatedAt > after && e.UpdatedAt <= until)
                        || context.Visits.Any(v => v.PatientId == p.Id && v.UpdatedAt > after && v.UpdatedAt <= until),
                })
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                yield break;
            }

            last = batch[^1].Id;
            var selected = batch
                .Select(p => (p.Changed, Patient: new ExportPatient(p.Id, p.BirthDate, p.Sex, p.PostalCode, [])))
                .Where(p => p.Changed || alsoSelect?.Invoke(p.Patient) == true)
                .Select(p => p.Patient)
                .ToList();
            if (selected.Count > 0)
            {
                foreach (var item in await complete(context, selected, cancellationToken))
                {
                    yield return item;
                }
            }

            if (batch.Count < BatchSize)
            {
                yield break;
            }
        }
    }

    private static async Task<IEnumerable<ExportPatient>> WithVisitsAsync(
        ShardDbContext context, List<ExportPatient> selected, CancellationToken cancellationToken)
    {
        var ids = selected.Select(p => p.PatientId).ToList();
        var visits = (await context.Visits.AsNoTracking().Where(v => ids.Contains(v.PatientId)).ToListAsync(cancellationToken))
            .ToLookup(v => v.PatientId);
        return selected.Select(patient => patient with
        {
            Visits = [.. visits[patient.PatientId].Select(v => new ExportVisit(
                v.StartedAt, v.Type, v.HeightCm, v.WeightKg, v.Systolic, v.Diastolic, v.HeartRate, v.TemperatureC, v.DiagnosisCodes))],
        });
    }

    /// <summary>Only the codes column of the visits: counting a release's codes reads no measurement of anyone.</summary>
    private static async Task<IEnumerable<ExportPatientCodes>> WithCodesAsync(
        ShardDbContext context, List<ExportPatient> selected, CancellationToken cancellationToken)
    {
        var ids = selected.Select(p => p.PatientId).ToList();
        var codes = (await context.Visits.AsNoTracking().Where(v => ids.Contains(v.PatientId))
                .Select(v => new { v.PatientId, v.DiagnosisCodes })
                .ToListAsync(cancellationToken))
            .ToLookup(v => v.PatientId, v => v.DiagnosisCodes);
        return selected.Select(patient => new ExportPatientCodes(patient, [.. codes[patient.PatientId].SelectMany(c => c).Distinct(StringComparer.Ordinal)]));
    }
}
