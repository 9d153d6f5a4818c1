using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// How an audited context saves on its own (no transaction of the caller's around it). The audit interceptor writes
/// the chain in the save's transaction; on a server database with a retrying execution strategy that transaction
/// must be opened inside the strategy (EF Core refuses a transaction begun outside it), so the save becomes one
/// retriable unit: begin, save, commit. When a commit fails in a way that leaves its outcome unknown (the connection
/// dropped on the way back), the strategy asks whether the save's last audit entry is in the database: the chain is
/// written in the same transaction, so that entry answers for the whole change, and nothing is applied twice.
/// </summary>
internal static class AuditedSave
{
    public static Task<int> SaveAsync(
        DbContext context,
        bool acceptAllChangesOnSuccess,
        Func<bool, CancellationToken, Task<int>> save,
        CancellationToken cancellationToken)
    {
        if (context.Database.CurrentTransaction is not null)
        {
            return save(acceptAllChangesOnSuccess, cancellationToken);
        }

        var strategy = context.Database.CreateExecutionStrategy();
        return strategy.RetriesOnFailure
            ? SaveRetryingAsync(context, strategy, acceptAllChangesOnSuccess, save, cancellationToken)
            : save(acceptAllChangesOnSuccess, cancellationToken);
    }

    private static async Task<int> SaveRetryingAsync(
        DbContext context,
        IExecutionStrategy strategy,
        bool acceptAllChangesOnSuccess,
        Func<bool, CancellationToken, Task<int>> save,
        CancellationToken cancellationToken)
    {
        var attempt = new Attempt();
        var saved = await strategy.ExecuteAsync(
            attempt,
            async (_, state, ct) =>
            {
                // A failed attempt's entries were sealed after a head that may have moved since: seal again.
                AuditChain.ForgetUnsaved(context);
                state.LastEntry = null;
                await using var transaction = await context.Database.BeginTransactionAsync(ct);
                state.Rows = await save(false, ct);
                state.LastEntry = AuditChain.LastAppended(context);
                await transaction.CommitAsync(ct);
                return state.Rows;
            },
            async (_, state, ct) => new ExecutionResult<int>(
                state.LastEntry is { } last && await AuditChain.IsCommittedAsync(context, last, ct), state.Rows),
            cancellationToken);

        if (acceptAllChangesOnSuccess)
        {
            context.ChangeTracker.AcceptAllChanges();
        }

        return saved;
    }

    private sealed class Attempt
    {
        public int Rows { get; set; }

        public AuditEntry? LastEntry { get; set; }
    }
}
