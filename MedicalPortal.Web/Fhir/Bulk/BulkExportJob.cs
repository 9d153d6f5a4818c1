using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedicalPortal.Web.Fhir.Bulk;

/// <summary>
/// One Bulk Data export of a study, as its <c>job.json</c> in the export directory keeps it: whose it is, what was
/// asked, how far it got. Only the node that runs it writes it; any node reads it to answer a status request.
/// </summary>
internal sealed record BulkExportJob
{
    public required Guid Id { get; init; }

    public required Guid StudyId { get; init; }

    /// <summary>The account that asked: the only one that may see its status and fetch its files.</summary>
    public required string AccountId { get; init; }

    /// <summary>The account's name when it asked, for the audit trail's export entries.</summary>
    public required string RequestedBy { get; init; }

    /// <summary>When it was asked for: the manifest's <c>transactionTime</c>.</summary>
    public required DateTimeOffset TransactionTime { get; init; }

    /// <summary>The kick-off request's full URL: the manifest's <c>request</c>.</summary>
    public required string Request { get; init; }

    /// <summary>The resource types asked for, in the order of the manifest.</summary>
    public required IReadOnlyList<string> Types { get; init; }

    public BulkExportStatus Status { get; init; }

    /// <summary>The last time the node running it said it was still running; a job whose node went away stops saying so.</summary>
    public DateTimeOffset HeartbeatAt { get; init; }

    /// <summary>Resources written so far (while running) or in all (once completed).</summary>
    public int Resources { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Resources of each type in the files, once completed (types without any have no file).</summary>
    public IReadOnlyDictionary<string, int> Output { get; init; } = new Dictionary<string, int>();

    /// <summary>Why it failed, in words for the requester: never a patient's data.</summary>
    public string? Error { get; init; }

    /// <summary>Whether it failed for a passing reason (a shard did not answer, a node stopped): starting again may work.</summary>
    public bool Transient { get; init; }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}

internal enum BulkExportStatus
{
    Running,
    Completed,
    Failed,
}
