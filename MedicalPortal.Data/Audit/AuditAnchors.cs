using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Writes the checkpoints of the chains' heads (<see cref="AuditAnchorFiles"/>): on the schedule, under the catalog
/// lease so that one node at a time does it (as the extraction runs), and at the end of <c>verify-audit</c>. A head is
/// checkpointed only when the key sealed it: a moved head is left to the verification to report, never vouched for.
/// </summary>
internal sealed partial class AuditAnchors(
    AuditAnchorFiles files,
    AuditKeyRing keys,
    IDbContextFactory<CatalogDbContext> catalog,
    ShardContextFactory shards,
    IOptions<AuditOptions> options,
    TimeProvider clock,
    ILogger<AuditAnchors> logger) : IAuditAnchors
{
    public const string LeaseName = "audit-anchors";

    /// <summary>A pass reads one row per database and writes one small file each: far less than this.</summary>
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(10);

    /// <summary>
    /// After a pass the lease stays taken this long, so that the other nodes ticking on the same cron occurrence skip it
    /// rather than write a second checkpoint of every head right behind the first (a cron fires at most once a minute).
    /// </summary>
    public static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(55);

    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public string? Schedule => string.IsNullOrWhiteSpace(options.Value.AnchorSchedule) ? null : options.Value.AnchorSchedule;

    public async Task<bool> WriteScheduledAsync(CancellationToken cancellationToken)
    {
        var leases = new CatalogLeases(catalog, clock);
        if (!await leases.TryAcquireAsync(LeaseName, _holder, LeaseDuration, cancellationToken))
        {
            return false;
        }

        try
        {
            foreach (var database in Databases())
            {
                try
                {
                    await WriteAsync(database, cancellationToken);
                }
                catch (ShardUnavailableException)
                {
                    // Its head cannot have moved while nobody can write to it: the next pass checkpoints it.
                    LogShardSkipped(logger, database);
                }
            }
        }
        finally
        {
            await leases.ReleaseAsync(LeaseName, _holder, Cooldown, CancellationToken.None);
        }

        return true;
    }

    public async Task<IReadOnlyList<AuditAnchor>> WriteVerifiedAsync(IReadOnlyList<ChainVerification> verified, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(verified);
        var written = new List<AuditAnchor>();
        foreach (var database in Databases())
        {
            if (verified.Any(v => v.IsIntact && string.Equals(v.Database, database, StringComparison.OrdinalIgnoreCase))
                && await WriteAsync(database, cancellationToken) is { } anchor)
            {
                written.Add(anchor);
            }
        }

        return written;
    }

    /// <summary>A checkpoint of the database's head as it is committed now; none for an empty chain or a head the key did not seal.</summary>
    private async Task<AuditAnchor?> WriteAsync(string database, CancellationToken cancellationToken)
    {
        AuditChainHead head;
        await using (var context = database == AuditStore.CatalogName ? catalog.CreateDbContext() : (DbContext)shards.Create(database))
        {
            head = await context.Set<AuditChainHead>().AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.SingletonId, cancellationToken);
        }

        switch (AuditSeal.SealOf(keys.Key, database, head))
        {
            case HeadSeal.Empty:
                return null;
            case HeadSeal.Forged:
                LogHeadNotSealed(logger, database);
                return null;
            case var seal:
                var checkpoint = await files.WriteAsync(database, head.Sequence, head.Hash, seal == HeadSeal.Named, clock.GetUtcNow(), cancellationToken);
                return checkpoint.ToAnchor();
        }
    }

    private IEnumerable<string> Databases() => [AuditStore.CatalogName, .. shards.Known];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard} does not answer: its audit chain gets no checkpoint in this pass.")]
    private static partial void LogShardSkipped(ILogger logger, string shard);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit chain head of {Database} is not sealed with the key: no checkpoint is written for it. verify-audit names the problem.")]
    private static partial void LogHeadNotSealed(ILogger logger, string database);
}
