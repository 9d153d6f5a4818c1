using System.Diagnostics;

namespace MedicalPortal.Testing;

/// <summary>The repository the tests run from, and the programs in it they run (Node tools, dotnet tools).</summary>
public static class Repository
{
    /// <summary>The folder that holds MedicalPortal.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="directory"/> (relative to
    /// <see cref="Root"/>) and returns its exit code and output; fails if it runs longer than <paramref name="limit"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string program, IEnumerable<string> arguments, string directory, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = Path.Combine(Root, directory),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MedicalPortal.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository (the folder with MedicalPortal.sln) is not above the test's folder.");
    }
}
