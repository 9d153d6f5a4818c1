using System.ComponentModel.DataAnnotations;

namespace MedicalPortal.Data.Caching;

/// <summary>
/// <c>Cache</c> configuration. Without <see cref="Redis"/> every node keeps its own in-process cache (one node, no
/// setup); with it, Redis is the layer all nodes share and the channel on which they evict each other's copies.
/// </summary>
public sealed class CacheOptions
{
    public const string SectionName = "Cache";

    /// <summary>A StackExchange.Redis configuration string, such as <c>redis.internal:6379,ssl=true,password=...</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>How long an entry lives in Redis and in memory; it bounds staleness after changes made outside the portal.</summary>
    [Range(1, 1440)]
    public int TimeToLiveMinutes { get; set; } = 10;

    /// <summary>Entries kept in each node's memory; the least recently used go first.</summary>
    [Range(100, 10_000_000)]
    public int LocalEntries { get; set; } = 50_000;

    /// <summary>Prefix of every Redis key and channel, so that environments can share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9:._-]{1,64}$", ErrorMessage = "Cache:KeyPrefix may hold letters, digits and : . _ - (at most 64).")]
    public string KeyPrefix { get; set; } = "medicalportal:";

    /// <summary>
    /// How long a write in progress keeps readers away from the cached value. Only a node that dies between its commit
    /// and its cache update leaves the marker to expire; meanwhile reads of that record go to the database.
    /// </summary>
    [Range(1, 600)]
    public int WriteMarkerSeconds { get; set; } = 60;

    /// <summary>How long a writer waits for the other nodes to confirm they dropped their copies.</summary>
    [Range(10, 10_000)]
    public int EvictionAckMilliseconds { get; set; } = 500;
}
