using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Tenancy;
using Microsoft.AspNetCore.Diagnostics;

namespace InvoiceGateway.Gateway.Storage;

/// <summary>A tenant this replica never read, while the database cannot be read: a 503 problem, not a 500.</summary>
internal sealed class DatabaseUnavailable : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DatabaseUnavailableException)
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = "5";
        await Problems.Status(StatusCodes.Status503ServiceUnavailable, "The gateway's database is unavailable.",
                "The tenant's connections cannot be read right now. Retry later.")
            .ExecuteAsync(httpContext)
            .ConfigureAwait(false);
        return true;
    }
}
