using Microsoft.AspNetCore.Http.HttpResults;

namespace InvoiceGateway.Gateway.Apis;

/// <summary>The gateway's RFC 9457 answers; type URIs point at the README's error section.</summary>
internal static class Problems
{
    private const string TypeBase = "https://github.com/invoicegateway/invoicegateway#errors-";

    public static ProblemHttpResult BadRequest(Dictionary<string, string[]> errors) =>
        TypedResults.Problem(
            title: "The request has invalid parameters.",
            detail: string.Join(" ", errors.SelectMany(e => e.Value)),
            statusCode: StatusCodes.Status400BadRequest,
            type: TypeBase + "400",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Status(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(
            title: title,
            detail: detail,
            statusCode: status,
            type: TypeBase + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
            extensions: extensions);

    public static ProblemHttpResult NotFound(string detail) =>
        Status(StatusCodes.Status404NotFound, "Not found.", detail);
}
