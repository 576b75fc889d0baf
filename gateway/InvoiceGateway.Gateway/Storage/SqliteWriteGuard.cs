using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace InvoiceGateway.Gateway.Storage;

/// <summary>
/// Refuses an SQLite write (a transaction, or an <c>INSERT</c>, <c>UPDATE</c>, <c>DELETE</c> or <c>REPLACE</c> statement)
/// made without the process's write turn (<see cref="SqliteWriteTurns"/>): every write path takes it, and one that
/// forgets would wait on the database lock again (Microsoft.Data.Sqlite's 30 s sleep loop, then a 503). Thrown as a
/// programming error, so that the tests, which run every write path on SQLite, find it. Reads never need the turn.
/// </summary>
internal sealed class SqliteWriteGuard(SqliteWriteTurns turns) : DbCommandInterceptor, IDbTransactionInterceptor
{
    private static readonly string[] Writes = ["INSERT", "UPDATE", "DELETE", "REPLACE"];

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    // Microsoft.Data.Sqlite begins a transaction with BEGIN IMMEDIATE: it takes the database's write lock at once.
    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        CheckTurn("a transaction");
        return result;
    }

    public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        CheckTurn("a transaction");
        return ValueTask.FromResult(result);
    }

    /// <summary>Whether <paramref name="sql"/> starts (after blanks and <c>--</c> comments) with a writing statement.</summary>
    internal static bool IsWrite(string sql)
    {
        var text = sql.AsSpan();
        while (true)
        {
            text = text.TrimStart();
            if (!text.StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            var end = text.IndexOf('\n');
            text = end < 0 ? [] : text[(end + 1)..];
        }

        foreach (var write in Writes)
        {
            if (text.StartsWith(write, StringComparison.OrdinalIgnoreCase) && (text.Length == write.Length || !char.IsLetterOrDigit(text[write.Length])))
            {
                return true;
            }
        }

        return false;
    }

    private void Check(DbCommand command)
    {
        if (IsWrite(command.CommandText))
        {
            CheckTurn("a write");
        }
    }

    private void CheckTurn(string what)
    {
        if (!turns.HeldHere)
        {
            throw new InvalidOperationException($"Programming error: {what} to SQLite without the process's write turn (SqliteWriteTurns).");
        }
    }
}
