using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using InvoiceGateway.Gateway.Tests.Infrastructure;

namespace InvoiceGateway.Gateway.Tests.Security;

/// <summary>
/// Thousands of seeded random malformed requests: never a 5xx, and every 4xx the gateway answers is an
/// RFC 9457 problem (answers relayed from a source by the raw passthrough, marked <c>Via</c>, are the
/// upstream's own). The requests are well-formed HTTP/1.1 (HttpClient sends them); the few that Kestrel
/// refuses itself, before any of the gateway's code runs, are told apart precisely and counted.
/// </summary>
public sealed class RequestFuzzTests(KeyedGatewayFixture fixture) : IClassFixture<KeyedGatewayFixture>
{
    private const int Requests = 3_000;
    private const int Seed = 20261122;
    private const int MaxRequestLineBytes = 8 * 1024;

    private static readonly string[] Methods = ["GET", "GET", "GET", "GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "get"];

    private static readonly string[] Parameters =
    [
        "source", "status", "kind", "direction", "currency", "dueFrom", "dueTo", "issuedFrom", "issuedTo",
        "minGross", "maxGross", "q", "sort", "limit", "cursor", "include",
    ];

    private static readonly string[] Tricky =
    [
        "%", "%%", "%zz", "%2", "%ff", "%FF%FE", "%00", "%0a", "%0d%0a", "%2F", "%5C", "%2e%2e", "%252e", "%C0%AE", "%E2%80%AE",
        "..", ".", "../..", "\u00e9", "\u65e5\u672c", "\ud83d\udca5", "\u0000", "\u0001", "\u007f", "\u200b", "\ufeff", "'", "\"", "<script>",
        "${jndi:x}", "1e400", "-0", "NaN", "Infinity", "-1", "0", "999999999999999999999", "2026-02-30", "9999-12-31", "0001-01-01",
        "goscore", "goscore,ibana", "*", ",", ",,", " ", "+", "&", "=", "==", "#", "?", ";", "[]", "{}", "null", "true", "raw", "-gross",
    ];

    [Fact]
    public async Task AnyRequest_WhenRandomlyMalformed_NeverAnswers5xx_AndEvery4xxIsAProblem()
    {
        var random = new Random(Seed);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var refusedByKestrel = 0;

        for (var i = 0; i < Requests && failures.Count < 20; i++)
        {
            using var request = BuildRequest(random);
            var sent = new Uri(fixture.Gateway.Address, request.RequestUri!);
            var description = $"#{i} {request.Method} {Truncate(sent.PathAndQuery)} ({sent.PathAndQuery.Length} chars)";
            using var response = await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (status >= 500)
            {
                failures.Add($"{description} -> {status}: {Truncate(body)}");
            }
            else if (IsRefusedByKestrel(request.Method, sent, response, body))
            {
                refusedByKestrel++;
            }
            else if (status >= 400 && !IsRelayedFromASource(response))
            {
                if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{description} -> {status} as '{response.Content.Headers.ContentType}': {Truncate(body)}");
                }
                else if (request.Method != HttpMethod.Head && NotAProblem(body, status) is { } reason)
                {
                    failures.Add($"{description} -> {status} with a body that is not a problem ({reason}): {Truncate(body)}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(Requests, statuses.Values.Sum());
        TestContext.Current.SendDiagnosticMessage(
            $"{string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"))}; refused by Kestrel: {refusedByKestrel}");

        // The fuzz reached the application's own answers, not only Kestrel's or the front door's.
        Assert.True(refusedByKestrel < Requests / 10, $"{refusedByKestrel} of {Requests} never reached the gateway");
        Assert.Contains(200, statuses.Keys);
        Assert.Contains(400, statuses.Keys);
        Assert.Contains(401, statuses.Keys);
        Assert.Contains(404, statuses.Keys);
        Assert.Contains(405, statuses.Keys);
    }

    private static HttpRequestMessage BuildRequest(Random random)
    {
        var method = new HttpMethod(Pick(random, Methods));
        var request = new HttpRequestMessage(method, new Uri(BuildTarget(random), UriKind.Relative));

        switch (random.Next(10))
        {
            case 0:
                break;
            case 1:
                request.Headers.TryAddWithoutValidation("X-Api-Key", AsciiJunk(random, random.Next(0, 700)));
                break;
            case 2:
                request.Headers.TryAddWithoutValidation("X-Api-Key", Pick(random, TestKeys.All));
                request.Headers.TryAddWithoutValidation("X-Api-Key", AsciiJunk(random, 20));
                break;
            default:
                request.Headers.TryAddWithoutValidation("X-Api-Key", Pick(random, TestKeys.All));
                break;
        }

        for (var h = random.Next(4); h > 0; h--)
        {
            var (name, value) = random.Next(7) switch
            {
                0 => ("If-None-Match", Pick(random, ["*", "\"abc\"", "W/\"x\"", "\"", ",,,", AsciiJunk(random, random.Next(1, 300))])),
                1 => ("Cache-Control", Pick(random, ["no-cache", "no-store, no-cache", "max-age=-1", "no-cache=\"", AsciiJunk(random, random.Next(1, 100))])),
                2 => ("Accept", Pick(random, ["*/*", "application/xml", "text/html;q=abc", AsciiJunk(random, 50)])),
                3 => ("Content-Type", Pick(random, ["application/json", "multipart/form-data; boundary=", AsciiJunk(random, 40)])),
                4 => ("Authorization", Pick(random, ["Bearer x", "Basic !!!", AsciiJunk(random, 60)])),
                5 => ("X-Forwarded-Host", AsciiJunk(random, 30)),
                _ => ("X-" + AsciiLetters(random, random.Next(1, 20)), AsciiJunk(random, random.Next(0, 200))),
            };
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (method.Method is "POST" or "PUT" or "PATCH" or "DELETE" && random.Next(2) == 0)
        {
            var body = new byte[random.Next(0, 4096)];
            random.NextBytes(body);
            request.Content = new ByteArrayContent(body);
        }

        return request;
    }

    private static string BuildTarget(Random random)
    {
        var path = random.Next(9) switch
        {
            0 => "/v1/invoices",
            1 => "/v1/invoices/" + Segment(random),
            2 => $"/v1/invoices/{Pick(random, ["goscore", "ibana", "dollr", "sendcloud", "sendregning", "nosuch", ""])}:{Segment(random)}",
            3 => "/v1/sources",
            4 => $"/v1/sources/{Pick(random, ["goscore", "ibana", "dollr", "nosuch", Segment(random)])}/refresh",
            5 => $"/v1/sources/{Pick(random, ["goscore", "ibana", "sendregning", "dollr", "sendcloud", Segment(random)])}/raw/{Segments(random)}",
            6 => "/v1/" + Segments(random),
            7 => "/" + Segments(random),
            _ => "/v1/invoices/" + Segments(random),
        };

        if (path.StartsWith("//", StringComparison.Ordinal))
        {
            path = "/v1" + path; // "//x" would be a URL of another host, not a path
        }

        var query = new StringBuilder();
        for (var q = random.Next(7); q > 0; q--)
        {
            query.Append(query.Length == 0 ? '?' : '&');
            query.Append(random.Next(3) == 0 ? Value(random, 40) : Pick(random, Parameters));
            if (random.Next(8) != 0)
            {
                query.Append('=').Append(random.Next(15) == 0 ? new string('x', random.Next(1000, 5000)) : Value(random, 120));
            }
        }

        return path + query;
    }

    private static string Segments(Random random)
    {
        var parts = new string[random.Next(0, 6)];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Segment(random);
        }

        return string.Join('/', parts);
    }

    private static string Segment(Random random) => Value(random, 30).Replace("?", "%3F", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);

    private static string Value(Random random, int maxLength)
    {
        var value = new StringBuilder();
        var length = random.Next(0, maxLength);
        while (value.Length < length)
        {
            value.Append(random.Next(4) switch
            {
                0 => Pick(random, Tricky),
                1 => ((char)random.Next(0x20, 0x7f)).ToString(),
                2 => char.ConvertFromUtf32(random.Next(0xa0, 0x2fff)),
                _ => AsciiLetters(random, random.Next(1, 8)),
            });
        }

        // '#' would end the target and '&'/'=' in a value are fine; a raw '?' past the first starts no new query.
        return value.ToString().Replace("#", "%23", StringComparison.Ordinal);
    }

    private static string AsciiJunk(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(0x20, 0x7f);
        }

        return new string(chars).Trim();
    }

    private static string AsciiLetters(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)('a' + random.Next(26));
        }

        return new string(chars);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>
    /// Kestrel itself answers with a bare status (no body), before any of the gateway's code runs, in two
    /// cases only: 400 to a path with an encoded NUL, and 414 to a request line beyond the gateway's
    /// <c>MaxRequestLineSize</c> (8 KiB).
    /// </summary>
    private static bool IsRefusedByKestrel(HttpMethod method, Uri sent, HttpResponseMessage response, string body) =>
        body.Length == 0 && response.Content.Headers.ContentType is null && (int)response.StatusCode switch
        {
            400 => sent.AbsolutePath.Contains("%00", StringComparison.OrdinalIgnoreCase),
            414 => method.Method.Length + 1 + sent.PathAndQuery.Length + " HTTP/1.1\r\n".Length > MaxRequestLineBytes,
            _ => false,
        };

    private static bool IsRelayedFromASource(HttpResponseMessage response) =>
        response.Headers.Via.Any(v => v.ReceivedBy == "invoicegateway");

    /// <summary>Why <paramref name="body"/> is not an RFC 9457 problem for <paramref name="status"/>, or <c>null</c> when it is.</summary>
    private static string? NotAProblem(string body, int status)
    {
        try
        {
            var problem = JsonNode.Parse(body)!.AsObject();
            return problem["status"]?.GetValue<int>() != status ? "status differs"
                : problem["title"] is null ? "no title"
                : problem["type"] is null ? "no type"
                : problem["traceId"] is null ? "no traceId"
                : null;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
