using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using InvoiceGateway.Contracts;
using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Upstream;

/// <summary>
/// Performs one <see cref="TokenExchange"/> against the source. Token requests take their own plain path
/// (size limit, no retries, no circuit breaker, no credentials) and their own timeout; errors name the
/// endpoint by method and path only, never a credential or a response body.
/// </summary>
internal sealed class TokenEndpoint
{
    private static readonly TimeSpan LongestLifetime = TimeSpan.FromDays(365);

    private readonly string _source;
    private readonly TokenExchange _exchange;
    private readonly UpstreamAuthOptions _auth;
    private readonly HttpMessageInvoker _invoker;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpMethod _method;
    private readonly Uri _uri;

    public TokenEndpoint(
        string source, Uri baseUrl, TokenExchange exchange, UpstreamAuthOptions auth,
        HttpMessageInvoker invoker, TimeSpan timeout, TimeProvider time, ILogger logger)
    {
        _source = source;
        _exchange = exchange;
        _auth = auth;
        _invoker = invoker;
        _timeout = timeout;
        _time = time;
        _logger = logger;
        _method = new HttpMethod(exchange.Method.Trim().ToUpperInvariant());
        var path = TokenPlaceholders.Fill(exchange.Path.Trim(), auth, Uri.EscapeDataString);
        _uri = Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
            ? absolute
            : new Uri(baseUrl, path.TrimStart('/'));
    }

    /// <summary>The endpoint as errors and logs name it: method and path, never the query.</summary>
    public string Name => $"{_method} {_uri.AbsolutePath}";

    public async Task<AccessToken> RequestAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = CreateRequest();
        try
        {
            using var response = await _invoker.SendAsync(request, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                throw Failure(UpstreamErrorCodes.Unauthorized, $"HTTP {status.ToString(CultureInfo.InvariantCulture)} from {Name}", status);
            }

            var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            await using (stream)
            {
                using var document = await JsonDocument.ParseAsync(stream, default, linked.Token);
                return Read(document.RootElement);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw Failure(UpstreamErrorCodes.Timeout, $"no answer from {Name} within {UpstreamFailures.Show(_timeout)}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Failure(UpstreamErrorCodes.Unreachable, $"{Name} could not be reached ({UpstreamFailures.Reason(ex)})", null, ex);
        }
        catch (JsonException)
        {
            // The JSON error's message may quote the body, which carries the token: leave it out.
            throw Failure(UpstreamErrorCodes.Unauthorized, $"the response from {Name} is not valid JSON");
        }
    }

    private HttpRequestMessage CreateRequest()
    {
        var request = new HttpRequestMessage(_method, _uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        foreach (var (name, template) in _exchange.Headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, TokenPlaceholders.Fill(template, _auth));
        }

        var fields = _exchange.Body.Select(f => KeyValuePair.Create(f.Key, TokenPlaceholders.Fill(f.Value, _auth)));
        request.Content = _exchange.BodyFormat switch
        {
            TokenBodyFormat.Json => JsonBody(fields),
            TokenBodyFormat.Form => new FormUrlEncodedContent(fields),
            _ => null,
        };
        return request;
    }

    private static ByteArrayContent JsonBody(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private AccessToken Read(JsonElement root)
    {
        if (!TryFind(root, _exchange.TokenPath, out var token) || token.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(token.GetString()))
        {
            throw Failure(UpstreamErrorCodes.Unauthorized, $"the response from {Name} has no token at '{_exchange.TokenPath}'");
        }

        var now = _time.GetUtcNow();
        var expiresAt = ReadExpiry(root, now);
        var result = new AccessToken(token.GetString()!, now, expiresAt);
        if (expiresAt is { } expiry && expiry <= now)
        {
            UpstreamLog.TokenAlreadyExpired(_logger, _source, Name);
            result = new AccessToken(result.Value, now, null);
        }

        UpstreamLog.TokenObtained(_logger, _source, Name, result.ExpiresAt);
        return result;
    }

    private DateTimeOffset? ReadExpiry(JsonElement root, DateTimeOffset now)
    {
        if (_exchange.ExpiryPath is not { Length: > 0 } path || !TryFind(root, path, out var value)
            || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var expiry = _exchange.ExpiryUnit switch
        {
            TokenExpiryUnit.Seconds => Lifetime(value, 1, now),
            TokenExpiryUnit.Minutes => Lifetime(value, 60, now),
            _ => Absolute(value),
        };
        if (expiry is null)
        {
            UpstreamLog.TokenExpiryUnreadable(_logger, _source, Name, path);
        }

        return expiry;
    }

    private static DateTimeOffset? Lifetime(JsonElement value, double secondsPerUnit, DateTimeOffset now)
    {
        var amount = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => double.NaN,
        };
        if (!(amount > 0))
        {
            return null;
        }

        var seconds = Math.Min(amount * secondsPerUnit, LongestLifetime.TotalSeconds);
        return now + TimeSpan.FromSeconds(seconds);
    }

    private DateTimeOffset? Absolute(JsonElement value)
    {
        const DateTimeStyles utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var unixSeconds)
            && unixSeconds > 0 && unixSeconds < 253_402_300_799)
        {
            return DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetString();
        if (_exchange.ExpiryFormat is { Length: > 0 } format)
        {
            return DateTimeOffset.TryParseExact(text, format, CultureInfo.InvariantCulture, utc, out var exact) ? exact : null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, utc, out var iso) ? iso : null;
    }

    /// <summary>Follows a dotted path ("data.token", "items.0.value") through objects and arrays.</summary>
    private static bool TryFind(JsonElement root, string path, out JsonElement value)
    {
        value = root;
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(segment, out var property))
            {
                value = property;
            }
            else if (value.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < value.GetArrayLength())
            {
                value = value[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private UpstreamException Failure(string code, string what, int? status = null, Exception? inner = null) =>
        new(code, $"Source '{_source}' token exchange failed: {what}.", status, inner);
}
