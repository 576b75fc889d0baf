using InvoiceGateway.Contracts;
using InvoiceGateway.EInvoicing;
using InvoiceGateway.EInvoicing.Rules;
using InvoiceGateway.EInvoicing.Ubl;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Sources;
using Microsoft.Net.Http.Headers;

namespace InvoiceGateway.Gateway.Apis;

/// <summary>
/// SPEC §9: an invoice as an OASIS UBL 2.1 document (Peppol BIS Billing 3.0) on <c>GET /v1/invoices/{id}</c> with a UBL
/// or XML <c>Accept</c>, and <c>GET /v1/invoices/{id}/en16931</c>, the EN 16931 verdict. Both complete the owner's side
/// with the source's configured <c>Owner</c>.
/// </summary>
internal static class EInvoicingApi
{
    private const string XmlMediaType = "application/xml";

    public static RouteGroupBuilder MapEInvoicingApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/invoices").WithTags("Invoices");
        group.MapGet("/{id}/en16931", CheckInvoice)
            .WithName("CheckInvoiceEn16931")
            .WithSummary("The EN 16931 business rules the invoice breaks, as checked on the canonical invoice.")
            .Produces<En16931Report>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        return group;
    }

    internal static async Task<IResult> CheckInvoice(string id, HttpContext http, GatewayContext gateway)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var key in http.Request.Query.Keys)
        {
            InvoiceQuery.Add(errors, key, $"'{(key.Length > 64 ? key[..64] : key)}' is not a parameter of this endpoint (it has none).");
        }

        var read = await InvoicesApi.ReadInvoiceAsync(id, errors, http, gateway).ConfigureAwait(false);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        var invoice = read.Detail!.ReadInvoice()!;
        if (!UblExport.CanExport(invoice))
        {
            return NotAnInvoice(invoice, StatusCodes.Status422UnprocessableEntity);
        }

        var report = UblExport.Check(invoice, read.Source!.Settings.Owner);
        http.Response.Headers["X-EN16931"] = report.HeaderValue;
        return TypedResults.Ok(report);
    }

    /// <summary>
    /// The UBL media type the request asks for (<c>application/vnd.oasis.ubl+xml</c> or <c>application/xml</c>), or
    /// <c>null</c> when it prefers JSON or says nothing. The most preferred of the types the gateway serves wins; on a
    /// tie, JSON.
    /// </summary>
    public static string? RequestedUblType(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return null;
        }

        string? best = null;
        var bestQuality = 0.0;
        foreach (var type in types)
        {
            var quality = type.Quality ?? 1.0;
            var media = type.MediaType.Value ?? string.Empty;
            var ubl = media.Equals(UblNames.MediaType, StringComparison.OrdinalIgnoreCase) || media.Equals(XmlMediaType, StringComparison.OrdinalIgnoreCase);
            var json = media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media is "*/*" or "application/*"
                || media.Equals("application/problem+json", StringComparison.OrdinalIgnoreCase);
            if ((ubl && quality > bestQuality) || (json && quality >= bestQuality && quality > 0))
            {
                best = ubl ? media.ToLowerInvariant() : null;
                bestQuality = quality;
            }
        }

        return best;
    }

    /// <summary>
    /// The invoice as UBL with its verdict in <c>X-EN16931</c>; with <c>strict=true</c> a document that breaks a rule is
    /// a 422 listing the rules instead. A reminder has no UBL form: 406.
    /// </summary>
    public static IResult Ubl(Invoice invoice, SourceRuntime source, string mediaType, bool strict, HttpContext http)
    {
        http.Response.Headers.Vary = "Accept";
        if (!UblExport.CanExport(invoice))
        {
            return NotAnInvoice(invoice, StatusCodes.Status406NotAcceptable);
        }

        var export = UblExport.Export(invoice, source.Settings.Owner);
        http.Response.Headers["X-EN16931"] = export.Report.HeaderValue;
        if (strict && !export.Report.Valid)
        {
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, "The invoice breaks EN 16931 rules.",
                $"As UBL, invoice '{invoice.Id}' breaks {string.Join(", ", export.Report.FailedRuleIds)}.",
                new Dictionary<string, object?> { ["rules"] = export.Report.Rules.Where(r => r.Flag == RuleFlag.Fatal).ToArray() });
        }

        var body = export.ToUtf8();
        var etag = EntityTag.For(body);
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "private, no-cache";
        if (InvoicesApi.IfNoneMatch(http.Request, etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(body, mediaType + "; charset=utf-8");
    }

    private static IResult NotAnInvoice(Invoice invoice, int status) =>
        Problems.Status(status, "A reminder is not an invoice.",
            $"'{invoice.Id}' is a reminder about another invoice, not an invoice or credit note: EN 16931 and UBL Invoice/CreditNote do not describe it.");
}
