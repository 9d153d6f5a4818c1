using Bunit;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data;
using MedicalPortal.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>
/// A shard of the component tests' portal that stops answering for real: its SQLite file goes away
/// (<see cref="SqliteOutage"/>), so the stores meet what they meet in production and the pages get what the stores
/// make of it.
/// </summary>
public static class ShardOutages
{
    /// <summary>The shard that holds <paramref name="patientId"/>, from the portal's shard map.</summary>
    public static string ShardOf(this BunitContext context, Guid patientId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Services.GetRequiredService<IShardMap>().ShardForPatient(patientId);
    }

    /// <summary>Takes down the shard that holds <paramref name="patientId"/>; returns its name.</summary>
    public static string TakeDownShardOf(this BunitContext context, Guid patientId)
    {
        var shard = context.ShardOf(patientId);
        context.TakeDownShard(shard);
        return shard;
    }

    public static void TakeDownShard(this BunitContext context, string shard) => SqliteOutage.TakeDown(ConnectionString(context, shard));

    public static void BringBackShard(this BunitContext context, string shard) => SqliteOutage.BringBack(ConnectionString(context, shard));

    private static string ConnectionString(BunitContext context, string shard)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Shards
            .Single(s => string.Equals(s.Name, shard, StringComparison.Ordinal)).ConnectionString;
    }
}
