namespace MedicalPortal.Core.Keys;

/// <summary>
/// Where Development keeps the keys it generates for itself when none is configured (the data layer: files in the data
/// folder, next to the databases and never inside one). Outside Development keys come from configuration only.
/// </summary>
public interface IDevelopmentKeyStore
{
    /// <summary>The key kept under <paramref name="name"/>, generated with <paramref name="bytes"/> random bytes the first time.</summary>
    DevelopmentKey LoadOrCreate(string name, int bytes);
}

/// <summary>A generated key as base64 text, and where it is kept (what messages name: never the key itself).</summary>
public sealed record DevelopmentKey(string Base64, string Location);
