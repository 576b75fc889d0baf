using System.Text;
using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Reading;

/// <summary>One JSON response: the parsed body and the next page's URL from a <c>Link</c> header, if any.</summary>
internal sealed record JsonPage(JsonDocument Document, Uri Request, string? LinkNext) : IDisposable
{
    public void Dispose() => Document.Dispose();
}

/// <summary>GETs JSON from a source through the gateway's client; errors name the source and path, never the query.</summary>
internal sealed class UpstreamClient(SourceDescriptor source, HttpClient http)
{
    public string SourceName => source.Name;

    /// <summary>Builds a relative request URI: the path with its query parameters escaped.</summary>
    public static Uri Relative(string path, IEnumerable<KeyValuePair<string, string>> query)
    {
        var builder = new StringBuilder(path);
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in query)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(builder.ToString(), UriKind.Relative);
    }

    /// <summary>GETs and parses a JSON body; throws <see cref="UpstreamException"/> for a failed status or bad JSON.</summary>
    public async Task<JsonPage> GetAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(uri, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>GETs and parses a JSON body, or returns null when the status is one of <paramref name="notFound"/>.</summary>
    public async Task<JsonPage?> GetOrNullAsync(Uri uri, IReadOnlySet<int> notFound, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(uri, cancellationToken);
        return notFound.Contains((int)response.StatusCode) ? null : await ReadAsync(response, cancellationToken);
    }

    /// <summary>
    /// Resolves a next-page URL the upstream gave (absolute or relative to the request) and refuses one on
    /// another origin: the gateway's client carries the source's credentials.
    /// </summary>
    public Uri NextPage(Uri request, string next)
    {
        var baseAddress = http.BaseAddress ?? source.BaseUrl;
        var current = request.IsAbsoluteUri ? request : new Uri(baseAddress, request);
        if (!Uri.TryCreate(current, next.Trim(), out var resolved)
            || Uri.Compare(resolved, baseAddress, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new UpstreamException(UpstreamErrorCodes.Payload,
                $"Source '{source.Name}' sent a next-page link that is not a URL on its own host; it was not followed.");
        }

        return resolved;
    }

    private async Task<HttpResponseMessage> SendAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new UpstreamException(UpstreamErrorCodes.Unreachable,
                $"Source '{source.Name}' could not be reached for GET {PathOf(uri)}.", null, ex);
        }
    }

    private async Task<JsonPage> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var document = await UpstreamJson.ReadAsync(source.Name, response, source.Limits, cancellationToken);
        var request = response.RequestMessage?.RequestUri ?? http.BaseAddress ?? source.BaseUrl;
        return new JsonPage(document, request, LinkHeader.Next(response));
    }

    private string PathOf(Uri uri)
    {
        var absolute = uri.IsAbsoluteUri ? uri : new Uri(http.BaseAddress ?? source.BaseUrl, uri);
        return absolute.AbsolutePath;
    }
}

/// <summary>Reads the <c>rel="next"</c> target of an RFC 8288 <c>Link</c> header.</summary>
internal static class LinkHeader
{
    public static string? Next(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var header in values)
        {
            foreach (var link in SplitLinks(header))
            {
                var open = link.IndexOf('<', StringComparison.Ordinal);
                var close = link.IndexOf('>', StringComparison.Ordinal);
                if (open < 0 || close < open)
                {
                    continue;
                }

                var parameters = link[(close + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                foreach (var parameter in parameters)
                {
                    var equals = parameter.IndexOf('=', StringComparison.Ordinal);
                    if (equals < 0 || !parameter[..equals].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    var rels = parameter[(equals + 1)..].Trim().Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (rels.Contains("next", StringComparer.OrdinalIgnoreCase))
                    {
                        return link[(open + 1)..close].Trim();
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Splits a header into its links at commas outside <c>&lt;...&gt;</c> and quotes.</summary>
    private static IEnumerable<string> SplitLinks(string header)
    {
        var start = 0;
        var inUri = false;
        var inQuotes = false;
        for (var i = 0; i < header.Length; i++)
        {
            switch (header[i])
            {
                case '<' when !inQuotes:
                    inUri = true;
                    break;
                case '>' when !inQuotes:
                    inUri = false;
                    break;
                case '"' when !inUri:
                    inQuotes = !inQuotes;
                    break;
                case ',' when !inUri && !inQuotes:
                    yield return header[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return header[start..];
    }
}
