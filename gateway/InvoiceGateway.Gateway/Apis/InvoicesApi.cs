using System.Buffers;
using InvoiceGateway.Caching;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Diagnostics;
using InvoiceGateway.Gateway.Sources;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InvoiceGateway.Gateway.Apis;

/// <summary><c>/v1/invoices</c>: the merged list across sources and one invoice by id.</summary>
internal static class InvoicesApi
{
    private const int MaxSourceIdLength = 256;

    public static RouteGroupBuilder MapInvoicesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/invoices").WithTags("Invoices");

        group.MapGet("/", ListInvoices)
            .WithName("ListInvoices")
            .WithSummary("The invoices of every source the caller may read, merged, filtered, sorted and paged.")
            .Produces<InvoiceListDocument>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status502BadGateway);

        group.MapGet("/{id}", GetInvoice)
            .WithName("GetInvoice")
            .WithSummary("One invoice by its id ({source}:{sourceId}), in full detail where the source has a detail endpoint; as UBL 2.1 (Peppol BIS Billing 3.0) with Accept: application/vnd.oasis.ubl+xml.")
            .Produces<Invoice>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status200OK, contentType: InvoiceGateway.EInvoicing.Ubl.UblNames.MediaType)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status406NotAcceptable)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);

        return group;
    }

    internal static async Task<Results<InvoiceListResult, ProblemHttpResult>> ListInvoices(
        HttpContext http, GatewayContext gateway)
    {
        var today = gateway.Today();
        var readable = await gateway.ReadableAsync(http).ConfigureAwait(false);
        var queryString = http.Request.QueryString.Value;
        var bypass = GatewayContext.NoCache(http);

        // The caller asks for the list it was answered last (an app polling its list): when none of the lists it was
        // read from changed in this replica's memory since (set, removed, evicted, expired, tag removed) and each is still
        // younger than its Ttl, the request would read the same copies and build the same body. Served without the five
        // cache reads and their tag checks, the query parse and the key (bench/results/list-2026-12-02b.md).
        if (!bypass && gateway.Pages.TryGetLast(readable, queryString, today, out var last, out var lastBody)
            && gateway.Aggregator.StillAnswers(last.Read))
        {
            GatewayMetrics.Of(http)?.RecordSources(last.Read.Outcomes);
            return InvoiceListResult.Whole(lastBody, last.Read);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var query = InvoiceQuery.Parse(http.Request.Query, gateway.Settings.DefaultLimit, today, errors);
        if (query.Sources is { } requested)
        {
            foreach (var name in requested.Where(n => readable.All(s => s.Name != n)))
            {
                InvoiceQuery.Add(errors, "source", $"'{name}' is not a source you can read.");
            }
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        // Stamped before the lists are read: a change after the stamp makes the answer kept below not current.
        var stamps = bypass || query.IncludeRaw ? null : gateway.Aggregator.StampLists(readable, query.Sources);
        var outcomes = await gateway.Aggregator
            .ReadListsAsync(readable, query.Sources, bypass, http.RequestAborted)
            .ConfigureAwait(false);
        GatewayMetrics.Of(http)?.RecordSources(outcomes);

        if (EveryQueriedFailed(outcomes))
        {
            var queried = outcomes.Where(o => o.State != SourceState.Skipped).ToArray();
            http.Response.Headers["X-Gateway-Complete"] = "false";
            return Problems.Status(StatusCodes.Status502BadGateway, "Every source failed.",
                "No source could be read and nothing is cached: " + string.Join(" ", queried.Select(o => o.Error!.Message)),
                new Dictionary<string, object?>
                {
                    ["sources"] = queried.Select(o => new { name = o.Name, code = o.Error!.Code, message = o.Error.Message }).ToArray(),
                });
        }

        if (query.IncludeRaw)
        {
            var snapshots = outcomes.Where(o => o.Snapshot is not null).Select(o => o.Snapshot!);
            return new InvoiceListResult(InvoiceListResult.Page(InvoicePage.Build(snapshots, query), includeRaw: true, query.Today), outcomes);
        }

        // Every source answered from its cache without a word to add (the usual case): the whole body is the same bytes
        // for the same snapshots, query and day, and is kept whole (ListPageCache); otherwise the page is, and the
        // sources' part is written for this request.
        var plain = Array.TrueForAll(outcomes, ListPageCache.IsPlain);
        var key = ListPageCache.Key(outcomes, http.Request.QueryString.Value, query.Today, whole: plain);
        if (plain && gateway.Pages.TryGet(key, out var body))
        {
            KeepLast(gateway, readable, queryString, today, outcomes, stamps, body);
            return InvoiceListResult.Whole(body, outcomes);
        }

        if (plain || !gateway.Pages.TryGet(key, out var page))
        {
            var snapshots = outcomes.Where(o => o.Snapshot is not null).Select(o => o.Snapshot!);
            page = InvoiceListResult.Page(InvoicePage.Build(snapshots, query), includeRaw: false, query.Today);

            // A plain answer keeps only its whole body (below), which holds the page: keeping both doubled the bytes per
            // key, and at 200 tenants the pages passed ListPageCache.MaxBytes, so it started over again and again and
            // every list was merged anew (1M: 6,600-6,900 lists/s against 14,400 before, bench/results/scale-1m.md).
            if (!plain)
            {
                gateway.Pages.Add(key, page);
            }
        }

        if (plain)
        {
            body = InvoiceListResult.Body(page, outcomes);
            gateway.Pages.Add(key, body);
            KeepLast(gateway, readable, queryString, today, outcomes, stamps, body);
            return InvoiceListResult.Whole(body, outcomes);
        }

        return new InvoiceListResult(page, outcomes);
    }

    private static void KeepLast(
        GatewayContext gateway, IReadOnlyList<SourceRuntime> readable, string? queryString, DateOnly today,
        SourceOutcome[] outcomes, CacheStamp?[]? stamps, byte[] body)
    {
        // Not for a caller with no sources: their (empty) list of readable sources may be one shared array.
        if (stamps is not null && readable.Count > 0 && gateway.Aggregator.ListsReadFromMemory(readable, outcomes, stamps) is { } read)
        {
            gateway.Pages.KeepLast(readable, queryString, today, read, body);
        }
    }

    /// <summary>Whether some source was queried and every queried one failed (skipped ones were not queried).</summary>
    private static bool EveryQueriedFailed(SourceOutcome[] outcomes)
    {
        var queried = false;
        foreach (var outcome in outcomes)
        {
            if (outcome.State == SourceState.Skipped)
            {
                continue;
            }

            if (outcome.State != SourceState.Failed)
            {
                return false;
            }

            queried = true;
        }

        return queried;
    }

    /// <summary>
    /// A source's id becomes one path segment of the upstream's detail URL: a dot segment or a separator
    /// would make it another URL of the same API (the list, the API root) read with the source's credentials.
    /// </summary>
    internal static bool IsSourceId(string sourceId) =>
        sourceId.Length is > 0 and <= MaxSourceIdLength
        && sourceId is not ("." or "..")
        && sourceId.AsSpan().IndexOfAny('/', '\\') < 0
        && !sourceId.AsSpan().ContainsAnyInRange('\u0000', '\u001f')
        && !sourceId.AsSpan().ContainsAnyInRange('\u007f', '\u009f');

    internal static async ValueTask<IResult> GetInvoice(string id, HttpContext http, GatewayContext gateway)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // Without a query string there is nothing to parse (Request.Query would build its feature and collection).
        var query = http.Request.QueryString.HasValue ? ParseDetailQuery(http.Request.Query, errors) : DetailQuery.Plain;
        var read = await ReadInvoiceAsync(id, errors, http, gateway).ConfigureAwait(false);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        var (source, detail) = (read.Source!, read.Detail!);
        if (EInvoicingApi.RequestedUblType(http.Request) is { } ublType)
        {
            return EInvoicingApi.Ubl(detail.ReadInvoice()!, source, ublType, query.Strict, http);
        }

        var today = gateway.Today();
        var raw = query.IncludeRaw ? CanonicalJson.Serialize(detail.ReadInvoiceWithRaw()!.AsOf(today)) : null;
        var etag = raw is null ? detail.ETagOn(today) : EntityTag.For(raw);
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "private, no-cache";
        if (IfNoneMatch(http.Request, etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return raw is null ? new ServedDetailResult(detail, today) : new JsonBytesResult(raw);
    }

    /// <summary>
    /// One invoice by id, through the cache, for every endpoint that serves one: the id checked, the source found
    /// among those the caller may read, upstream failures and unknown invoices turned into problems, and the
    /// <c>X-Cache</c> header set.
    /// </summary>
    internal static async ValueTask<InvoiceRead> ReadInvoiceAsync(
        string id, Dictionary<string, string[]> errors, HttpContext http, GatewayContext gateway)
    {
        var separator = id.IndexOf(':', StringComparison.Ordinal);
        var sourceName = separator > 0 ? id[..separator] : string.Empty;
        var sourceId = separator > 0 ? id[(separator + 1)..] : string.Empty;
        if (separator <= 0 || !GatewayNames.IsSourceName(sourceName) || !IsSourceId(sourceId))
        {
            InvoiceQuery.Add(errors, "id",
                $"An invoice id has the form {{source}}:{{sourceId}} (sourceId 1-{MaxSourceIdLength} printable characters, not '.' or '..', without '/' or '\\').");
        }

        if (errors.Count > 0)
        {
            return new InvoiceRead(Problems.BadRequest(errors));
        }

        var source = await gateway.FindReadableAsync(http, sourceName).ConfigureAwait(false);
        if (source is null)
        {
            return new InvoiceRead(Problems.NoSuchSource(sourceName));
        }

        CacheResult<InvoiceDetail> result;
        try
        {
            result = await gateway.Aggregator
                .ReadDetailAsync(source, sourceId, GatewayContext.NoCache(http), http.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            var error = SourceError.From(source.Name, ex, source.Settings.Timeout);
            var status = error.Code switch
            {
                UpstreamErrorCodes.Timeout => StatusCodes.Status504GatewayTimeout,
                UpstreamErrorCodes.CircuitOpen => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status502BadGateway,
            };
            return new InvoiceRead(Problems.Status(status, "The source could not be read.", error.Message,
                new Dictionary<string, object?> { ["source"] = source.Name, ["code"] = error.Code }));
        }

        var detail = result.Value;
        if (detail.IsNotFound)
        {
            return new InvoiceRead(Problems.NotFound($"Source '{source.Name}' has no invoice '{sourceId}'."));
        }

        http.Response.Headers["X-Cache"] = GatewayMetrics.CacheName(result.State);
        GatewayMetrics.Of(http)?.RecordDetail(source.Name, result.State);
        return new InvoiceRead(null, source, detail);
    }

    internal static bool IfNoneMatch(HttpRequest request, string etag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            foreach (var candidate in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
            {
                var tag = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
                if (tag == "*" || tag == etag)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static DetailQuery ParseDetailQuery(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var result = DetailQuery.Plain;
        foreach (var (key, values) in query)
        {
            if (key == "strict")
            {
                var text = values.Count == 1 ? values[0] : null;
                if (bool.TryParse(text, out var strict))
                {
                    result = result with { Strict = strict };
                }
                else
                {
                    InvoiceQuery.Add(errors, "strict", "strict is 'true' or 'false' (once).");
                }

                continue;
            }

            if (key != "include")
            {
                InvoiceQuery.Add(errors, key, $"'{(key.Length > 64 ? key[..64] : key)}' is not a parameter of this endpoint (known: include, strict).");
                continue;
            }

            foreach (var item in values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries)))
            {
                if (item == "raw")
                {
                    result = result with { IncludeRaw = true };
                }
                else
                {
                    InvoiceQuery.Add(errors, "include", $"'{(item.Length > 64 ? item[..64] : item)}' cannot be included (only 'raw').");
                }
            }
        }

        return result;
    }

    /// <summary><c>include=raw</c> adds the upstream payload to the JSON; <c>strict=true</c> refuses a UBL document that breaks EN 16931.</summary>
    private sealed record DetailQuery(bool IncludeRaw, bool Strict)
    {
        public static DetailQuery Plain { get; } = new(false, false);
    }
}

/// <summary>An invoice read for one of the single-invoice endpoints, or the problem that answers the request instead.</summary>
internal sealed record InvoiceRead(IResult? Problem, SourceRuntime? Source = null, InvoiceDetail? Detail = null);

/// <summary>
/// A cached invoice's bytes as served today (<see cref="ServedOverdue"/>: the cached bytes themselves, or a pooled copy
/// with today's overdue values), with their length, copied once into the response: nothing serialized or allocated.
/// </summary>
internal sealed class ServedDetailResult(InvoiceDetail detail, DateOnly today) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        var body = ServedOverdue.Patch(detail.DaysOverdueOn(today), detail.Json, out var rented);
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }
}

/// <summary>
/// A cached JSON body as it is, with its length: what <c>TypedResults.Bytes</c> sends, without its range and
/// precondition machinery (the ETag was checked before), on the hot path of a cached detail.
/// </summary>
internal sealed class JsonBytesResult(byte[] body) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length, httpContext.RequestAborted);
    }
}
