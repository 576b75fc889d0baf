using Microsoft.AspNetCore.Http.HttpResults;

namespace InvoiceGateway.Gateway.Apis;

/// <summary>The gateway's RFC 9457 answers; type URIs point at the README's error section.</summary>
internal static class Problems
{
    private const string TypeBase = "https://github.com/invoicegateway/invoicegateway#errors-";

    /// <summary>Messages kept per parameter: a query repeating one bad value thousands of times must not get an answer many times its size.</summary>
    public const int MaxMessagesPerParameter = 10;

    public static ProblemHttpResult BadRequest(Dictionary<string, string[]> errors)
    {
        var capped = errors.ToDictionary(
            e => e.Key,
            e => e.Value.Length <= MaxMessagesPerParameter
                ? e.Value
                : [.. e.Value.Take(MaxMessagesPerParameter), $"And {e.Value.Length - MaxMessagesPerParameter} more problems with '{e.Key}'."],
            StringComparer.Ordinal);
        return TypedResults.Problem(
            title: "The request has invalid parameters.",
            detail: string.Join(" ", capped.SelectMany(e => e.Value)),
            statusCode: StatusCodes.Status400BadRequest,
            type: TypeBase + "400",
            extensions: new Dictionary<string, object?> { ["errors"] = capped });
    }

    public static ProblemHttpResult Status(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(
            title: title,
            detail: detail,
            statusCode: status,
            type: TypeBase + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
            extensions: extensions);

    public static ProblemHttpResult NotFound(string detail) =>
        Status(StatusCodes.Status404NotFound, "Not found.", detail);

    /// <summary>The one answer about a source that does not exist or that the caller may not read: they must not differ.</summary>
    public static ProblemHttpResult NoSuchSource(string name) =>
        NotFound($"There is no source '{name}' you can read.");
}

/// <summary>
/// Writes <c>application/problem+json</c> whatever the request's <c>Accept</c> says, so that every error
/// is an RFC 9457 document with its <c>traceId</c> (SPEC §4). Registered after ASP.NET Core's own writer,
/// it writes only what that one declines (an <c>Accept</c> without JSON).
/// </summary>
internal sealed class ProblemJsonFallbackWriter(
    Microsoft.Extensions.Options.IOptions<ProblemDetailsOptions> options,
    Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ?? http.Response.StatusCode;
        problem.Status = status;
        problem.Title ??= Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        problem.Type ??= "https://github.com/invoicegateway/invoicegateway#errors-" + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(http.Response.WriteAsJsonAsync(
            problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json", http.RequestAborted));
    }
}
