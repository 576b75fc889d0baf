using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using InvoiceGateway.Sandbox.Data;
using InvoiceGateway.Sandbox.Serving;

namespace InvoiceGateway.Sandbox.Apis;

/// <summary>
/// Sendcloud invoices (seed 003): Basic public/secret key or an OAuth2 client-credentials token;
/// <c>GET user/invoices</c> (unpaged, <c>items</c> a URL) and <c>GET user/invoices/{id}</c> (items as objects).
/// Dates come day-first or RFC 3339; invoice 2 has <c>price_excl</c> above <c>price_incl</c> as in the docs' schema.
/// </summary>
internal sealed class SendcloudApi : UpstreamApi
{
    public const string Root = "sendcloud/api/v2";

    private const int MaxCachedHosts = 16;

    private static readonly byte[] ListPrefix = "{\"invoices\":["u8.ToArray();
    private static readonly byte[] ListSuffix = "]}"u8.ToArray();

    private static readonly string[] Types = ["periodic", "periodic", "periodic", "periodic", "forced", "initial_payment", "other", "unblock_payment"];

    private static readonly string[] ItemNames =
    [
        "PostNL Standard 0-23kg", "PostNL Mailbox Parcel", "DHL Parcel Connect 0-2kg", "DPD Classic 0-31.5kg",
        "UPS Standard 0-70kg", "Insurance", "Credit requested for label", "Insurance refund", "Return label",
        "Surcharge: remote area", "Fuel surcharge", "Sendcloud Growth plan",
    ];

    private readonly SendcloudInvoice[] invoices;
    private readonly Dictionary<string, int> indexById;
    private readonly EntryList details;
    private readonly EntryList itemLists;
    private readonly ConcurrentDictionary<string, EntryList> listsByBase = new(StringComparer.Ordinal);
    private readonly TokenStore tokens;

    public SendcloudApi(SandboxOptions options, TimeProvider time)
        : base(1)
    {
        invoices = Generate(options);
        indexById = new Dictionary<string, int>(invoices.Length, StringComparer.Ordinal);
        var detailBuilder = new EntryList.Builder(invoices.Length, 400);
        var itemsBuilder = new EntryList.Builder(invoices.Length, 200);
        for (var i = 0; i < invoices.Length; i++)
        {
            var invoice = invoices[i];
            indexById[invoice.Id.Format()] = i;

            var writer = detailBuilder.Begin();
            writer.WriteStartObject();
            writer.WriteStartObject("invoice");
            WriteFields(writer, invoice);
            writer.WritePropertyName("items");
            WriteItems(writer, invoice);
            writer.WriteEndObject();
            writer.WriteEndObject();
            detailBuilder.End();

            writer = itemsBuilder.Begin();
            writer.WriteStartObject();
            writer.WritePropertyName("items");
            WriteItems(writer, invoice);
            writer.WriteEndObject();
            itemsBuilder.End();
        }

        details = detailBuilder.Build();
        itemLists = itemsBuilder.Build();
        tokens = new TokenStore(time, TimeSpan.FromSeconds(3600));
    }

    protected override (string Amount, string Date, string Id) BrokenFields => ("price_incl", "date", "id");

    internal sealed record SendcloudInvoice(
        long Id, string Ref, string Type, decimal PriceIncl, decimal PriceExcl, bool IsPayed, string Date, (long Id, string Name)[] Items);

    // Runs once per start on up to a million invoices: compile it optimized right away, not after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static SendcloudInvoice[] Generate(SandboxOptions options)
    {
        var random = new DataRandom(unchecked(options.Seed + 1));
        var result = new SendcloudInvoice[options.InvoicesPerSource + 2];
        result[0] = new SendcloudInvoice(
            1, "EU-CENTRAL-0-1-22-NL0000001", "periodic", 0m, 0m, true, "05-10-2020 02:12:01",
            [(33493679, "PostNL Standard 0-23kg"), (33493681, "Insurance"), (33495701, "Credit requested for label"), (33495702, "Insurance refund")]);

        // The schema's example values: the price excluding tax above the price including it.
        result[1] = new SendcloudInvoice(
            2, "EU-CENTRAL-0-1-21-NL0000002", "initial_payment", 5.5m, 6.5m, false, "2021-11-09T04:20:23Z", [(1, "Insurance")]);

        var id = 1291434L;
        var itemId = 40_000_000L;
        for (var i = 0; i < options.InvoicesPerSource; i++)
        {
            id += random.Next(1, 40);
            var excl = random.Money(5, 2500);
            var moment = random.Moment(random.Day(options.Today, -120, 0));
            var date = random.Chance(50)
                ? moment.ToString("dd-MM-yyyy HH:mm:ss", CultureInfo.InvariantCulture)
                : moment.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var items = new (long, string)[random.Next(1, 6)];
            for (var j = 0; j < items.Length; j++)
            {
                itemId += random.Next(1, 2000);
                items[j] = (itemId, random.Pick(ItemNames));
            }

            result[i + 2] = new SendcloudInvoice(
                id,
                $"EU-CENTRAL-0-1-{moment.Year % 100:00}-NL{id % 10_000_000:0000000}",
                random.Pick(Types),
                DataRandom.Round2(excl * 1.21m),
                excl,
                random.Chance(70),
                date,
                items);
        }

        return result;
    }

    public override bool IsAuthorized(HttpRequest request) =>
        HttpAuth.HasBasic(request, SandboxCredentials.SendcloudPublicKey, SandboxCredentials.SendcloudSecretKey)
        || (HttpAuth.TryGetBearer(request, out var token) && tokens.IsValid(token));

    public override Reply Unauthorized(HttpRequest request) =>
        Error(StatusCodes.Status401Unauthorized, request, "Invalid username/password.", Header("WWW-Authenticate", "Basic realm=\"sendcloud\""));

    public override ListShape Shape(HttpContext context, SandboxRoute route)
    {
        var list = ListFor(context.Request, route);
        return new(ListPrefix, list.Count > 0 ? list.Entry(0) : ReadOnlyMemory<byte>.Empty, ListSuffix);
    }

    public override void Map(IEndpointRouteBuilder group, SandboxRoute route, SandboxRuntime runtime)
    {
        MapToken(group, "sendcloud/oauth2/token", runtime, IssueTokenAsync);
        MapData(group, $"{Root}/user/invoices", EndpointKind.List, route, runtime, (context, breakOne) =>
        {
            var list = ListFor(context.Request, route);
            return new Reply(StatusCodes.Status200OK, Page(ListPrefix, list, 0, list.Count, ListSuffix, breakOne));
        });
        MapData(group, $"{Root}/user/invoices/{{id}}", EndpointKind.Detail, route, runtime, (context, breakOne) =>
            Find(context.Request, out var index)
                ? Reply.Json(StatusCodes.Status200OK, breakOne ? Break(details.Entry(index), "invoice") : details.Entry(index))
                : NotFound(context.Request));
        MapData(group, $"{Root}/user/invoices/{{id}}/items", EndpointKind.Detail, route, runtime, (context, _) =>
            Find(context.Request, out var index)
                ? Reply.Json(StatusCodes.Status200OK, itemLists.Entry(index))
                : NotFound(context.Request));
    }

    private bool Find(HttpRequest request, out int index) =>
        indexById.TryGetValue((string?)request.RouteValues["id"] ?? "", out index);

    /// <summary>The list as seen from one base URL: its <c>items</c> URLs point back at the sandbox the client reached.</summary>
    private EntryList ListFor(HttpRequest request, SandboxRoute route)
    {
        var baseUrl = route.UrlOf(request, Root);
        if (listsByBase.TryGetValue(baseUrl, out var list))
        {
            return list;
        }

        list = BuildList(baseUrl);
        if (listsByBase.Count < MaxCachedHosts)
        {
            listsByBase.TryAdd(baseUrl, list);
        }

        return list;
    }

    // Runs once per start on up to a million invoices: compile it optimized right away, not after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private EntryList BuildList(string baseUrl)
    {
        var builder = new EntryList.Builder(invoices.Length, 250);
        foreach (var invoice in invoices)
        {
            var writer = builder.Begin();
            writer.WriteStartObject();
            WriteFields(writer, invoice);
            writer.WriteString("items", $"{baseUrl}/user/invoices/{invoice.Id.Format()}/items");
            writer.WriteEndObject();
            builder.End();
        }

        return builder.Build();
    }

    private static void WriteFields(System.Text.Json.Utf8JsonWriter writer, SendcloudInvoice invoice)
    {
        writer.WriteNumber("id", invoice.Id);
        writer.WriteString("ref", invoice.Ref);
        writer.WriteString("type", invoice.Type);
        writer.WriteNumber("price_incl", invoice.PriceIncl);
        writer.WriteNumber("price_excl", invoice.PriceExcl);
        writer.WriteBoolean("isPayed", invoice.IsPayed);
        writer.WriteString("date", invoice.Date);
    }

    private static void WriteItems(System.Text.Json.Utf8JsonWriter writer, SendcloudInvoice invoice)
    {
        writer.WriteStartArray();
        foreach (var (id, name) in invoice.Items)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("name", name);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static Reply NotFound(HttpRequest request) =>
        Error(StatusCodes.Status404NotFound, request, "No Invoice matches the given query.");

    /// <summary>Sendcloud's error shape; <c>request</c> is the path from <c>api/v2</c> on, as in the docs.</summary>
    private static Reply Error(int status, HttpRequest request, string message, params KeyValuePair<string, string>[] headers)
    {
        var path = request.Path.Value ?? "";
        var at = path.IndexOf("api/v2", StringComparison.Ordinal);
        return Reply.Json(
            status,
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartObject("error");
                writer.WriteNumber("code", status);
                writer.WriteString("request", at >= 0 ? path[at..] : path.TrimStart('/'));
                writer.WriteString("message", message);
                writer.WriteEndObject();
                writer.WriteEndObject();
            },
            headers);
    }

    /// <summary>OAuth2 client credentials (RFC 6749 §4.4): client id and secret in the form or in a Basic header.</summary>
    private async Task<Reply> IssueTokenAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.HasFormContentType)
        {
            return OAuthError(StatusCodes.Status400BadRequest, "invalid_request", "Expected an application/x-www-form-urlencoded body.");
        }

        var form = await request.ReadFormAsync(context.RequestAborted);
        if (!string.Equals(form["grant_type"], "client_credentials", StringComparison.Ordinal))
        {
            return OAuthError(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
        }

        string? clientId = form["client_id"];
        string? clientSecret = form["client_secret"];
        if (HttpAuth.TryGetBasic(request, out var user, out var password))
        {
            clientId = Uri.UnescapeDataString(user);
            clientSecret = Uri.UnescapeDataString(password);
        }

        if (!HttpAuth.Same(clientId, SandboxCredentials.SendcloudPublicKey) || !HttpAuth.Same(clientSecret, SandboxCredentials.SendcloudSecretKey))
        {
            return OAuthError(StatusCodes.Status401Unauthorized, "invalid_client", "Client authentication failed.");
        }

        var (token, _) = tokens.Issue();
        return Reply.Json(
            StatusCodes.Status200OK,
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("access_token", token);
                writer.WriteString("token_type", "Bearer");
                writer.WriteNumber("expires_in", (int)tokens.Lifetime.TotalSeconds);
                writer.WriteString("scope", "api");
                writer.WriteEndObject();
            },
            Header("Cache-Control", "no-store"));
    }

    private static Reply OAuthError(int status, string error, string description) =>
        Reply.Json(status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", error);
            writer.WriteString("error_description", description);
            writer.WriteEndObject();
        });
}
