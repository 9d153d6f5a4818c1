using Microsoft.Extensions.Logging;

namespace MedicalPortal.Testing;

/// <summary>
/// Appends every log line of every portal the tests start to one file, at the levels production logs at
/// (Information, the portal's own code at Debug, ASP.NET Core's request logging at Warning as in appsettings.json),
/// so that a last check over the whole run can prove that no patient data reached the logs.
/// <c>./test.sh</c> sets <see cref="PathVariable"/> for the whole run; without it each test process uses its own file.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    public const string PathVariable = "MEDICALPORTAL_TEST_LOG";

    private static readonly Lock Sync = new();
    private static readonly Lazy<StreamWriter> Writer = new(Open);

    public static string FilePath { get; } = Environment.GetEnvironmentVariable(PathVariable)
        ?? Path.Combine(Path.GetTempPath(), "medicalportal-logs", $"capture-{Environment.ProcessId}.log");

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    /// <summary>The level a category is captured from, mirroring the portal's production logging configuration.</summary>
    public static bool IsCaptured(string? category, LogLevel level) =>
        category switch
        {
            not null when category.StartsWith("MedicalPortal", StringComparison.Ordinal) => level >= LogLevel.Debug,
            not null when category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) => level >= LogLevel.Warning,
            _ => level >= LogLevel.Information,
        };

    private static StreamWriter Open()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        return new StreamWriter(stream) { AutoFlush = true };
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var line = $"{logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}";
            lock (Sync)
            {
                Writer.Value.WriteLine(line.ReplaceLineEndings(" | "));
            }
        }
    }
}

public static class LogCaptureExtensions
{
    /// <summary>Adds the capture next to whatever logging the host has.</summary>
    public static ILoggingBuilder AddLogCapture(this ILoggingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProvider(new LogCapture());
        builder.AddFilter<LogCapture>(LogCapture.IsCaptured);
        return builder;
    }
}
