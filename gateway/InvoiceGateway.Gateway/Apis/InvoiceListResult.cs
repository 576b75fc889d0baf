using System.Text.Json;
using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Aggregation;

namespace InvoiceGateway.Gateway.Apis;

/// <summary>
/// Writes a list page straight to the response: each invoice's cached canonical bytes are copied
/// as they are (no serialization per request unless raw is asked for).
/// </summary>
internal sealed class InvoiceListResult(InvoicePage page, IReadOnlyList<SourceOutcome> outcomes, bool includeRaw) : IResult
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public bool Complete => outcomes.All(o => o.IsComplete);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers["X-Gateway-Complete"] = Complete ? "true" : "false";
        await using var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        Write(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("data"u8);
        writer.WriteStartArray();
        foreach (var item in page.Items)
        {
            writer.WriteRawValue(
                includeRaw ? CanonicalJson.Serialize(item.Snapshot.Invoices[item.Index]) : item.Snapshot.Json[item.Index],
                skipInputValidation: true);
        }

        writer.WriteEndArray();
        if (page.Next is { } next)
        {
            writer.WriteString("next"u8, next.Encode());
        }
        else
        {
            writer.WriteNull("next"u8);
        }

        writer.WriteBoolean("complete"u8, Complete);
        writer.WritePropertyName("sources"u8);
        writer.WriteStartArray();
        foreach (var outcome in outcomes)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, outcome.Name);
            writer.WriteString("state"u8, outcome.State switch
            {
                SourceState.Ok => "ok",
                SourceState.Stale => "stale",
                SourceState.Failed => "failed",
                _ => "skipped",
            });
            writer.WriteNumber("count"u8, outcome.Count);
            writer.WriteNumber("durationMs"u8, outcome.DurationMs);
            if (outcome.Error is { } error)
            {
                writer.WriteStartObject("error"u8);
                writer.WriteString("code"u8, error.Code);
                writer.WriteString("message"u8, error.Message);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("error"u8);
            }

            var notices = outcome.Snapshot?.Notices ?? [];
            writer.WriteNumber("rejected"u8, outcome.Snapshot?.Rejected ?? 0);
            writer.WriteStartArray("notices"u8);
            foreach (var notice in notices)
            {
                writer.WriteStartObject();
                writer.WriteString("code"u8, notice.Code);
                writer.WriteString("message"u8, notice.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

/// <summary>The shape of a list response, for the OpenAPI document.</summary>
internal sealed record InvoiceListDocument(
    IReadOnlyList<Invoice> Data,
    string? Next,
    bool Complete,
    IReadOnlyList<SourceStateDocument> Sources);

/// <summary>One source's state in a list response, for the OpenAPI document.</summary>
internal sealed record SourceStateDocument(
    string Name,
    string State,
    int Count,
    long DurationMs,
    SourceErrorDocument? Error,
    int Rejected,
    IReadOnlyList<SourceNotice> Notices);

internal sealed record SourceErrorDocument(string Code, string Message);
