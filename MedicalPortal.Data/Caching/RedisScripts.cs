namespace MedicalPortal.Data.Caching;

/// <summary>
/// The Lua scripts behind the shared layer. Per cached key K Redis holds a hash <c>v:K</c> (g: generation it was
/// stored under, e: epoch, r: record version, d: data, empty for a deleted record), a counter <c>g:K</c> that every
/// write bumps, and a counter <c>m:K</c> of writes in progress. A value is served only if it was stored under the
/// current generation and epoch and no write is in progress; a reader may store what it loaded only if neither moved
/// since it looked. Each script runs atomically, which is what makes those checks hold.
/// </summary>
internal static class RedisScripts
{
    /// <summary>KEYS: v, g, m, epoch. Returns { generation, epoch, state ('m' marked, 'h' hit, 'x' miss), version, data }.</summary>
    public const string Read = """
        local gen = redis.call('GET', KEYS[2]) or '0'
        local epoch = redis.call('GET', KEYS[4]) or '0'
        if redis.call('EXISTS', KEYS[3]) == 1 then return { gen, epoch, 'm' } end
        local h = redis.call('HMGET', KEYS[1], 'g', 'e', 'r', 'd')
        if h[1] == gen and h[2] == epoch then return { gen, epoch, 'h', h[3], h[4] } end
        return { gen, epoch, 'x' }
        """;

    /// <summary>KEYS: v, g, m, epoch. ARGV: generation and epoch the reader saw, version, data, ttl (ms). 1 if stored.</summary>
    public const string Fill = """
        if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
        if (redis.call('GET', KEYS[4]) or '0') ~= ARGV[2] then return 0 end
        if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'g', ARGV[1], 'e', ARGV[2], 'r', ARGV[3], 'd', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return 1
        """;

    /// <summary>KEYS: pairs of g, m. ARGV: marker ttl (ms), generation ttl (ms). Before the commit.</summary>
    public const string Begin = """
        for i = 1, #KEYS, 2 do
          redis.call('INCR', KEYS[i])
          redis.call('PEXPIRE', KEYS[i], ARGV[2])
          redis.call('INCR', KEYS[i + 1])
          redis.call('PEXPIRE', KEYS[i + 1], ARGV[1])
        end
        return 1
        """;

    /// <summary>
    /// KEYS: v, g, m, epoch. ARGV: kind ('p' put, 'i' invalidate), version, data, ttl (ms), generation ttl (ms), '1' if
    /// this write marked itself in progress. After the commit (or instead of it): a newer value already stored stays,
    /// re-stamped with the new generation.
    /// </summary>
    public const string Complete = """
        local gen = redis.call('INCR', KEYS[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        if ARGV[6] == '1' and redis.call('DECR', KEYS[3]) <= 0 then redis.call('DEL', KEYS[3]) end
        if ARGV[1] == 'i' then
          redis.call('DEL', KEYS[1])
          return gen
        end
        local epoch = redis.call('GET', KEYS[4]) or '0'
        local h = redis.call('HMGET', KEYS[1], 'e', 'r')
        if h[1] == epoch and h[2] and tonumber(h[2]) >= tonumber(ARGV[2]) then
          redis.call('HSET', KEYS[1], 'g', gen)
        else
          redis.call('HSET', KEYS[1], 'g', gen, 'e', epoch, 'r', ARGV[2], 'd', ARGV[3])
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return gen
        """;
}
