using Cronos;

namespace MedicalPortal.Core.Export;

/// <summary>When the incremental extraction runs: <c>Export:Schedule</c>, a five-field cron expression in UTC.</summary>
public sealed class ExtractionSchedule
{
    private readonly CronExpression _expression;

    private ExtractionSchedule(CronExpression expression) => _expression = expression;

    /// <summary>Whether <paramref name="schedule"/> is empty (no schedule) or a valid five-field cron expression.</summary>
    public static bool IsValid(string? schedule) =>
        string.IsNullOrWhiteSpace(schedule) || CronExpression.TryParse(schedule, out _);

    /// <summary>The schedule, or null when <paramref name="schedule"/> is empty: no scheduled extraction on this node.</summary>
    public static ExtractionSchedule? Parse(string? schedule) =>
        string.IsNullOrWhiteSpace(schedule) ? null : new ExtractionSchedule(CronExpression.Parse(schedule));

    /// <summary>The first occurrence after <paramref name="utc"/>, or null when there is none.</summary>
    public DateTime? NextAfter(DateTime utc) => _expression.GetNextOccurrence(utc);
}
