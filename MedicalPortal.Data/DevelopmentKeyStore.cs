using System.Security.Cryptography;
using MedicalPortal.Core.Keys;

namespace MedicalPortal.Data;

/// <summary>
/// Development's generated keys, as files in the data folder (<c>audit.key</c>, <c>export.key</c>, the key ring's
/// certificate <c>data-protection.pem</c>): next to the databases, never inside one. Several processes may start on one
/// folder at the same moment: a key is written to a file of its own and moved into place without replacing, so exactly
/// one key wins, every process uses it, and none ever reads a half-written file.
/// </summary>
internal sealed class DevelopmentKeyStore(DataDirectory dataDirectory) : IDevelopmentKeyStore
{
    public DevelopmentKey LoadOrCreate(string name, int bytes)
    {
        var (text, location) = LoadOrCreateText(name, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)));
        return new DevelopmentKey(text, location);
    }

    /// <summary>The text kept under <paramref name="name"/>, made by <paramref name="create"/> the first time, and its file.</summary>
    public (string Text, string Location) LoadOrCreateText(string name, Func<string> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var path = Path.Combine(dataDirectory.Path, name);
        return (LoadOrCreateFile(path, create), path);
    }

    private static string LoadOrCreateFile(string path, Func<string> create)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var candidate = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(candidate, create());
        try
        {
            File.Move(candidate, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process put its key in place first: use that one.
        }
        finally
        {
            File.Delete(candidate);
        }

        return File.ReadAllText(path).Trim();
    }
}
