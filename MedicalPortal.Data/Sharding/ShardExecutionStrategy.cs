using MedicalPortal.Core.Sharding;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// A shard's execution strategy: the provider's own (which retries transient failures on a server database), and,
/// once that has given up, a failure that means the shard is not answering becomes a
/// <see cref="ShardUnavailableException"/> naming the shard. EF Core runs every query, save and connection check of a
/// shard context through it, so reads and writes of a down shard meet one exception that the API answers with 503
/// and the UI puts in words, whichever store met it. Only the outermost execution translates: an inner one (a query
/// inside the write path's retried unit) lets the driver's exception through, so the outer strategy can still retry.
/// The outcome is told to <paramref name="availability"/> (none for migrations), which starts or ends the shard's
/// cool-down.
/// </summary>
internal sealed class ShardExecutionStrategy(
    IExecutionStrategy inner, string shard, Func<Exception, bool> isUnavailable, ShardAvailability? availability)
    : IExecutionStrategy
{
    private static readonly AsyncLocal<bool> Executing = new();

    public bool RetriesOnFailure => inner.RetriesOnFailure;

    public TResult Execute<TState, TResult>(
        TState state,
        Func<DbContext, TState, TResult> operation,
        Func<DbContext, TState, ExecutionResult<TResult>>? verifySucceeded)
    {
        if (Executing.Value)
        {
            return inner.Execute(state, operation, verifySucceeded);
        }

        Executing.Value = true;
        try
        {
            var result = inner.Execute(state, operation, verifySucceeded);
            availability?.Answered(shard);
            return result;
        }
        catch (Exception e) when (Unavailable(e))
        {
            availability?.Failed(shard);
            throw ShardUnavailableException.For(shard, e);
        }
        finally
        {
            Executing.Value = false;
        }
    }

    public async Task<TResult> ExecuteAsync<TState, TResult>(
        TState state,
        Func<DbContext, TState, CancellationToken, Task<TResult>> operation,
        Func<DbContext, TState, CancellationToken, Task<ExecutionResult<TResult>>>? verifySucceeded,
        CancellationToken cancellationToken = default)
    {
        if (Executing.Value)
        {
            return await inner.ExecuteAsync(state, operation, verifySucceeded, cancellationToken);
        }

        // Set in this async method's own context: it flows into the operation and is gone for the caller.
        Executing.Value = true;
        try
        {
            var result = await inner.ExecuteAsync(state, operation, verifySucceeded, cancellationToken);
            availability?.Answered(shard);
            return result;
        }
        catch (Exception e) when (Unavailable(e))
        {
            availability?.Failed(shard);
            throw ShardUnavailableException.For(shard, e);
        }
    }

    private bool Unavailable(Exception exception) => IsUnavailable(exception, isUnavailable);

    /// <summary>Whether <paramref name="exception"/> or one it wraps says the database did not answer, by <paramref name="provider"/>'s rules.</summary>
    public static bool IsUnavailable(Exception exception, Func<Exception, bool> provider) => exception switch
    {
        ShardUnavailableException or OperationCanceledException => false,
        RetryLimitExceededException => true,
        _ when provider(exception) => true,
        { InnerException: { } cause } => IsUnavailable(cause, provider),
        _ => false,
    };
}
