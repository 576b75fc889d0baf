using InvoiceGateway.Gateway.Apis;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Storage;

/// <summary>Saving a request's changes: a database that cannot be written is a 503 with nothing changed, never a 500.</summary>
internal static class DatabaseWrites
{
    /// <returns><c>null</c> when saved; otherwise the problem to answer.</returns>
    public static async Task<IResult?> SaveAsync(GatewayDb db, CancellationToken cancellationToken, Func<IResult>? onDuplicate = null)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (DbUpdateException ex) when (onDuplicate is not null && IsUniqueViolation(ex))
        {
            return onDuplicate();
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or TimeoutException)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "The gateway's database is unavailable.",
                "The change could not be stored; nothing was changed. Retry later.");
        }
    }

    private static bool IsUniqueViolation(DbUpdateException ex) => ex.InnerException switch
    {
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19,
        _ => false,
    };
}
