using System.Security.Cryptography;

namespace MedicalPortal.Data;

/// <summary>
/// A key generated once into the data folder, for Development only (elsewhere keys come from configuration). Several
/// processes may start on one folder at the same moment: the key is written to a file of its own and moved into place
/// without replacing, so exactly one key wins, every process uses it, and none ever reads a half-written file.
/// </summary>
internal static class DevelopmentKeyFile
{
    /// <summary>The base64 text of the key in <paramref name="path"/>, creating it with <paramref name="bytes"/> random bytes.</summary>
    public static string LoadOrCreate(string path, int bytes)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var candidate = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(candidate, Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)));
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
