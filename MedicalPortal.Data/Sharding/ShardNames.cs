using System.Buffers;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// What a shard may be called, whether <c>Database:Shards</c> configures it or <c>shards add</c> registers it: a word
/// that fits the shard map's column and stays one column wide in every list and log line.
/// </summary>
public static class ShardNames
{
    /// <summary>The longest name: the shard map's and the registry's column.</summary>
    public const int MaxLength = 100;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>What is wrong with <paramref name="name"/> as a shard's name, to follow the name in a message; null if nothing.</summary>
    public static string? Problem(string? name) =>
        string.IsNullOrEmpty(name) ? "is empty"
        : name.Length > MaxLength ? $"is longer than {MaxLength} characters"
        : name.AsSpan().ContainsAnyExcept(Allowed) ? "may hold only the letters A-Z and a-z, digits, '-', '_' and '.'"
        : null;
}
