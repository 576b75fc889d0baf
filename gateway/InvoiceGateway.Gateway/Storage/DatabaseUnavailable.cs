using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Tenancy;
using Microsoft.AspNetCore.Diagnostics;

namespace InvoiceGateway.Gateway.Storage;

/// <summary>
/// The database cannot be reached while a request needs it (a tenant this replica never read, a lookup
/// before a write): a 503 problem, not a 500. What was read before keeps being served without it.
/// </summary>
internal sealed class DatabaseUnavailable : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseFailure(exception))
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = "5";
        await Problems.Status(StatusCodes.Status503ServiceUnavailable, "The gateway's database is unavailable.",
                "The database cannot be reached right now; nothing was changed. Retry later.")
            .ExecuteAsync(httpContext)
            .ConfigureAwait(false);
        return true;
    }

    private static bool IsDatabaseFailure(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is DatabaseUnavailableException or System.Data.Common.DbException)
            {
                return true;
            }
        }

        return false;
    }
}
