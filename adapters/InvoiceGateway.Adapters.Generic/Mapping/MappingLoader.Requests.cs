using System.Collections.Frozen;
using System.Text.Json;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>The request sections of a mapping: <c>defaults</c>, <c>auth</c>, <c>list</c> with its <c>paging</c>, <c>detail</c>.</summary>
internal sealed partial class MappingLoader
{
    private (string? Currency, InvoiceDirection? Direction) Defaults(JsonElement node, string at)
    {
        var props = Object(node, at, DefaultsKeys);
        if (props is null)
        {
            return (null, null);
        }

        var currency = OptionalString(props, "currency", at);
        if (currency is not null && !CurrencyCode().IsMatch(currency))
        {
            Problem($"{at}.currency", $"'{currency}' is not a three-letter ISO 4217 code");
            currency = null;
        }

        InvoiceDirection? direction = null;
        if (OptionalString(props, "direction", at) is { } text)
        {
            direction = ParseDirection(text);
            if (direction is null)
            {
                Problem($"{at}.direction", $"'{text}' is not a direction; expected 'payable' or 'receivable'");
            }
        }

        return (currency?.ToUpperInvariant(), direction);
    }

    private AuthDefaults? Auth(JsonElement node, string at)
    {
        var props = Object(node, at, AuthKeys);
        if (props is null)
        {
            return null;
        }

        var type = OptionalString(props, "type", at);
        if (type is null)
        {
            if (!props.ContainsKey("type"))
            {
                Problem(at, $"'type' is required: one of {Names(AuthTypes)}");
            }

            return null;
        }

        if (!AuthTypes.Contains(type, StringComparer.Ordinal))
        {
            Problem($"{at}.type", $"'{type}' is not an auth type; expected one of {Names(AuthTypes)}");
            return null;
        }

        string? headerName = null;
        if (props.ContainsKey("headerName"))
        {
            if (type != "apikey")
            {
                Problem($"{at}.headerName", $"applies only to auth type 'apikey', not '{type}'");
            }

            headerName = OptionalString(props, "headerName", at);
            if (headerName is not null && !HeaderToken().IsMatch(headerName))
            {
                Problem($"{at}.headerName", $"'{headerName}' is not a valid HTTP header name");
            }
        }
        else if (type == "apikey")
        {
            Problem(at, "'headerName' is required for auth type 'apikey': the header that carries the key");
        }

        string? tokenUrl = null;
        if (props.ContainsKey("tokenUrl"))
        {
            if (type != "oauth2")
            {
                Problem($"{at}.tokenUrl", $"applies only to auth type 'oauth2', not '{type}'");
            }

            tokenUrl = OptionalString(props, "tokenUrl", at);
            if (tokenUrl is not null)
            {
                CheckRequestPath(tokenUrl, $"{at}.tokenUrl", allowAbsolute: true);
            }
        }

        TokenExchange? exchange = null;
        if (props.TryGetValue("tokenExchange", out var exchangeNode))
        {
            if (type != "token")
            {
                Problem($"{at}.tokenExchange", $"applies only to auth type 'token', not '{type}'");
            }

            exchange = Exchange(exchangeNode, $"{at}.tokenExchange");
        }
        else if (type == "token")
        {
            Problem(at, "'tokenExchange' is required for auth type 'token': how credentials are traded for a token");
        }

        return new AuthDefaults { Type = type, HeaderName = headerName, TokenUrl = tokenUrl, TokenExchange = exchange };
    }

    private TokenExchange? Exchange(JsonElement node, string at)
    {
        var props = Object(node, at, ExchangeKeys);
        if (props is null)
        {
            return null;
        }

        var method = OptionalString(props, "method", at)?.ToUpperInvariant() ?? "POST";
        if (method is not ("GET" or "POST"))
        {
            Problem($"{at}.method", $"'{method}' is not supported; expected 'GET' or 'POST'");
        }

        var path = RequiredString(props, "path", at, "the token endpoint");
        if (path is not null)
        {
            CheckRequestPath(path, $"{at}.path", allowAbsolute: true);
        }

        var headers = StringMap(props, "headers", at, checkPlaceholders: true);
        var body = StringMap(props, "body", at, checkPlaceholders: true);
        var bodyFormat = body.Count > 0 ? TokenBodyFormat.Json : TokenBodyFormat.None;
        if (OptionalString(props, "bodyFormat", at) is { } formatText)
        {
            switch (formatText)
            {
                case "none":
                    bodyFormat = TokenBodyFormat.None;
                    if (body.Count > 0)
                    {
                        Problem($"{at}.bodyFormat", "is 'none' but a 'body' is given; use 'json' or 'form'");
                    }

                    break;
                case "json":
                    bodyFormat = TokenBodyFormat.Json;
                    break;
                case "form":
                    bodyFormat = TokenBodyFormat.Form;
                    break;
                default:
                    Problem($"{at}.bodyFormat", $"'{formatText}' is not a body format; expected 'none', 'json' or 'form'");
                    break;
            }
        }

        var tokenPath = OptionalString(props, "tokenPath", at) ?? "access_token";
        CheckDottedPath(tokenPath, $"{at}.tokenPath");
        var expiryPath = "expires_in";
        if (props.TryGetValue("expiryPath", out var expiryNode))
        {
            expiryPath = expiryNode.ValueKind == JsonValueKind.Null ? null : OptionalString(props, "expiryPath", at);
            if (expiryPath is not null)
            {
                CheckDottedPath(expiryPath, $"{at}.expiryPath");
            }
        }

        var unit = TokenExpiryUnit.Seconds;
        if (OptionalString(props, "expiryUnit", at) is { } unitText)
        {
            switch (unitText)
            {
                case "seconds":
                    unit = TokenExpiryUnit.Seconds;
                    break;
                case "minutes":
                    unit = TokenExpiryUnit.Minutes;
                    break;
                case "absolute":
                    unit = TokenExpiryUnit.Absolute;
                    break;
                default:
                    Problem($"{at}.expiryUnit", $"'{unitText}' is not an expiry unit; expected 'seconds', 'minutes' or 'absolute'");
                    break;
            }
        }

        var expiryFormat = OptionalString(props, "expiryFormat", at);
        if (expiryFormat is not null)
        {
            if (unit != TokenExpiryUnit.Absolute)
            {
                Problem($"{at}.expiryFormat", "applies only when 'expiryUnit' is 'absolute'");
            }

            CheckFormat(expiryFormat, $"{at}.expiryFormat");
        }

        return path is null
            ? null
            : new TokenExchange
            {
                Method = method,
                Path = path,
                BodyFormat = bodyFormat,
                Headers = headers,
                Body = body,
                TokenPath = tokenPath,
                ExpiryPath = expiryPath,
                ExpiryUnit = unit,
                ExpiryFormat = expiryFormat,
            };
    }

    private ListRequest? ListSection(JsonElement node, string at, bool hasDetail)
    {
        var props = Object(node, at, ListKeys);
        if (props is null)
        {
            return null;
        }

        var path = RequiredString(props, "path", at, "the list endpoint, relative to the source's BaseUrl");
        if (path is not null)
        {
            CheckRequestPath(path, $"{at}.path", allowAbsolute: false);
        }

        var query = StringMap(props, "query", at, checkPlaceholders: false).ToList();
        PayloadPath? items = WholeValue();
        if (props.TryGetValue("items", out var itemsNode))
        {
            items = SinglePath(itemsNode, $"{at}.items", allowProjection: false);
        }

        var summaries = OptionalBool(props, "summaries", at) ?? false;
        if (summaries && !hasDetail)
        {
            Problem($"{at}.summaries", "is true but there is no 'detail' request to complete the summaries with");
        }

        var lacks = new List<PayloadPath>();
        if (props.TryGetValue("summaryLacks", out var lacksNode))
        {
            if (!summaries)
            {
                Problem($"{at}.summaryLacks", "applies only when 'summaries' is true");
            }

            if (PathList(lacksNode, $"{at}.summaryLacks", allowProjection: false) is { } paths)
            {
                lacks.AddRange(paths);
            }
        }

        var paging = props.TryGetValue("paging", out var pagingNode) ? PagingSection(pagingNode, $"{at}.paging") : Mapping.Paging.None;
        return path is null || items is null || paging is null
            ? null
            : new ListRequest(path, query, items, summaries, lacks, paging);
    }

    private Paging? PagingSection(JsonElement node, string at)
    {
        var props = Object(node, at, PagingKeys);
        if (props is null)
        {
            return null;
        }

        var kindText = RequiredString(props, "kind", at, $"one of {Names(PagingKinds)}");
        if (kindText is null)
        {
            return null;
        }

        if (!KeysByPagingKind.TryGetValue(kindText, out var allowed))
        {
            Problem($"{at}.kind", $"'{kindText}' is not a paging kind; expected one of {Names(PagingKinds)}");
            return null;
        }

        foreach (var key in props.Keys.Where(k => !allowed.Contains(k)))
        {
            Problem($"{at}.{key}", $"does not apply to paging kind '{kindText}'");
        }

        var pageSize = OptionalInt(props, "pageSize", at, 1, Mapping.Paging.MaxPageSize) ?? Mapping.Paging.DefaultPageSize;
        var sizeParam = QueryName(props, "sizeParam", at);
        var paging = new Paging { PageSize = pageSize, SizeParam = sizeParam };
        switch (kindText)
        {
            case "none":
                return Mapping.Paging.None;
            case "page":
                var stopText = RequiredString(props, "stop", at, "'total', 'shortPage' or 'emptyPage'");
                PageStop stop = PageStop.ShortPage;
                switch (stopText)
                {
                    case null:
                        break;
                    case "total":
                        stop = PageStop.Total;
                        break;
                    case "shortPage":
                        stop = PageStop.ShortPage;
                        break;
                    case "emptyPage":
                        stop = PageStop.EmptyPage;
                        break;
                    default:
                        Problem($"{at}.stop", $"'{stopText}' is not a stop rule; expected 'total', 'shortPage' or 'emptyPage'");
                        break;
                }

                if (stop == PageStop.ShortPage && sizeParam is null)
                {
                    Problem(at, "'sizeParam' is required with stop 'shortPage': a page is only short against the size asked for");
                }

                PayloadPath? totalPath = null;
                var countsPages = false;
                if (stop == PageStop.Total)
                {
                    totalPath = props.TryGetValue("totalPath", out var totalNode)
                        ? SinglePath(totalNode, $"{at}.totalPath", allowProjection: false)
                        : MissingKey<PayloadPath>(at, "totalPath", "the path of the total in the list body");
                    var counts = OptionalString(props, "totalCounts", at) ?? "items";
                    if (counts is not ("items" or "pages"))
                    {
                        Problem($"{at}.totalCounts", $"'{counts}' is not allowed; expected 'items' or 'pages'");
                    }

                    countsPages = counts == "pages";
                }
                else
                {
                    foreach (var key in new[] { "totalPath", "totalCounts" }.Where(props.ContainsKey))
                    {
                        Problem($"{at}.{key}", "applies only with stop 'total'");
                    }
                }

                return paging with
                {
                    Kind = PagingKind.Page,
                    PageParam = QueryName(props, "pageParam", at) ?? "page",
                    StartPage = OptionalInt(props, "startPage", at, 0, int.MaxValue / 2) ?? 1,
                    Stop = stop,
                    TotalPath = totalPath,
                    TotalCountsPages = countsPages,
                };
            case "linkHeader":
                return paging with
                {
                    Kind = PagingKind.LinkHeader,
                    PageParam = QueryName(props, "pageParam", at),
                    StartPage = OptionalInt(props, "startPage", at, 0, int.MaxValue / 2) ?? 1,
                };
            case "nextUrl":
                return paging with
                {
                    Kind = PagingKind.NextUrl,
                    NextPath = props.TryGetValue("nextPath", out var nextNode)
                        ? SinglePath(nextNode, $"{at}.nextPath", allowProjection: false)
                        : MissingKey<PayloadPath>(at, "nextPath", "the path of the next page's URL in the list body"),
                };
            default:
                return paging with
                {
                    Kind = PagingKind.Cursor,
                    CursorPath = props.TryGetValue("cursorPath", out var cursorNode)
                        ? SinglePath(cursorNode, $"{at}.cursorPath", allowProjection: false)
                        : MissingKey<PayloadPath>(at, "cursorPath", "the path of the next cursor in the list body"),
                    CursorParam = props.ContainsKey("cursorParam")
                        ? QueryName(props, "cursorParam", at)
                        : MissingKey<string>(at, "cursorParam", "the query parameter that sends the cursor back"),
                    HasMorePath = props.TryGetValue("hasMorePath", out var moreNode)
                        ? SinglePath(moreNode, $"{at}.hasMorePath", allowProjection: false)
                        : null,
                };
        }
    }

    private DetailRequest? Detail(JsonElement node, string at)
    {
        var props = Object(node, at, DetailKeys);
        if (props is null)
        {
            return null;
        }

        var path = RequiredString(props, "path", at, "the detail endpoint with '{id}' where the invoice id goes");
        if (path is not null)
        {
            CheckRequestPath(path.Replace("{id}", "id", StringComparison.Ordinal), $"{at}.path", allowAbsolute: false);
            var count = path.Split("{id}").Length - 1;
            if (count != 1)
            {
                Problem($"{at}.path", $"'{path}' must hold '{{id}}' exactly once, where the invoice id goes");
            }
        }

        var envelope = props.TryGetValue("envelope", out var envelopeNode)
            ? SinglePath(envelopeNode, $"{at}.envelope", allowProjection: false)
            : WholeValue();
        var notFound = new HashSet<int> { 404 };
        if (props.TryGetValue("notFound", out var notFoundNode) && IsKind(notFoundNode, $"{at}.notFound", JsonValueKind.Array, "an array of HTTP statuses"))
        {
            notFound.Clear();
            var index = 0;
            foreach (var item in notFoundNode.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var status) || status is < 400 or > 599)
                {
                    Problem($"{at}.notFound[{index}]", $"is {Show(item)}; an HTTP error status (400-599) was expected");
                }
                else
                {
                    notFound.Add(status);
                }

                index++;
            }
        }

        return path is null || envelope is null ? null : new DetailRequest(path, envelope, notFound.ToFrozenSet());
    }
}
