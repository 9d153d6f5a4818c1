using System.Security.Cryptography;
using MedicalPortal.Core.Keys;

namespace MedicalPortal.Core.Tests.Keys;

/// <summary>Development's key store, in memory: the keys it holds (generated, or put there by a test) and what it was asked for.</summary>
internal sealed class InMemoryDevelopmentKeys : IDevelopmentKeyStore
{
    private readonly Dictionary<string, string> _keys = [];

    public List<string> Asked { get; } = [];

    public static string LocationOf(string name) => $"memory:{name}";

    public void Put(string name, string base64) => _keys[name] = base64;

    public DevelopmentKey LoadOrCreate(string name, int bytes)
    {
        Asked.Add(name);
        if (!_keys.TryGetValue(name, out var key))
        {
            _keys[name] = key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));
        }

        return new DevelopmentKey(key, LocationOf(name));
    }
}
