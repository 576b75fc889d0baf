using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using InvoiceGateway.Sandbox.Data;
using InvoiceGateway.Sandbox.Serving;

namespace InvoiceGateway.Sandbox.Apis;

/// <summary>
/// Sendcloud invoices (seed 003): Basic public/secret key or an OAuth2 client-credentials token;
/// <c>GET user/invoices</c> (unpaged, <c>items</c> a URL) and <c>GET user/invoices/{id}</c> (items as objects).
/// Dates come day-first or RFC 3339; invoice 2 has <c>price_excl</c> above <c>price_incl</c> as in the docs' schema.
/// The invoices (the detail's <c>invoice</c> objects, items as objects) change at run time through the control API
/// (<c>_sandbox/data/sendcloud/invoices</c>); the list, with <c>items</c> as a URL, and the items follow them.
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

    private static readonly byte[] DetailPrefix = "{\"invoice\":"u8.ToArray();
    private static readonly byte[] ItemsPrefix = "{\"items\":"u8.ToArray();

    /// <summary>The generated invoices, from which the first list per base URL is written quickly.</summary>
    private readonly SendcloudInvoice[] generated;
    private readonly MutableEntries.Snapshot generatedSnapshot;
    private readonly MutableEntries invoices;
    private readonly ConcurrentDictionary<string, BaseList> listsByBase = new(StringComparer.Ordinal);
    private readonly TokenStore tokens;

    public SendcloudApi(SandboxOptions options, TimeProvider time)
        : base(1)
    {
        generated = Generate(options);
        var indexById = new Dictionary<string, int>(generated.Length, StringComparer.Ordinal);
        var builder = new EntryList.Builder(generated.Length, 400);
        for (var i = 0; i < generated.Length; i++)
        {
            var invoice = generated[i];
            indexById[invoice.Id.Format()] = i;

            var writer = builder.Begin();
            writer.WriteStartObject();
            WriteFields(writer, invoice);
            writer.WritePropertyName("items");
            WriteItems(writer, invoice);
            writer.WriteEndObject();
            builder.End();
        }

        invoices = new MutableEntries(builder.Build(), "id", indexById);
        generatedSnapshot = invoices.Current;
        tokens = new TokenStore(time, TimeSpan.FromSeconds(3600));
    }

    public override MutableEntries? Data(string? list) => list is null ? invoices : null;

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
        {
            if (Find(context.Request) is not { } invoice)
            {
                return NotFound(context.Request);
            }

            var detail = Wrap(DetailPrefix, invoice.Span);
            return Reply.Json(StatusCodes.Status200OK, breakOne ? Break(detail, "invoice") : detail);
        });
        MapData(group, $"{Root}/user/invoices/{{id}}/items", EndpointKind.Detail, route, runtime, (context, _) =>
        {
            if (Find(context.Request) is not { } invoice)
            {
                return NotFound(context.Request);
            }

            using var document = JsonDocument.Parse(invoice);
            return Reply.Json(StatusCodes.Status200OK, Wrap(ItemsPrefix, document.RootElement.TryGetProperty("items", out var items)
                ? System.Text.Encoding.UTF8.GetBytes(items.GetRawText()) : "[]"u8));
        });
    }

    private ReadOnlyMemory<byte>? Find(HttpRequest request)
    {
        var current = invoices.Current;
        // Typed: a bare null would become an empty ReadOnlyMemory (it converts from a null array), not "none".
        return current.IndexById.TryGetValue((string?)request.RouteValues["id"] ?? "", out var index) ? current.List.Entry(index) : (ReadOnlyMemory<byte>?)null;
    }

    /// <summary><paramref name="prefix"/>, the JSON value, and the closing brace.</summary>
    private static byte[] Wrap(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> value)
    {
        var bytes = new byte[prefix.Length + value.Length + 1];
        prefix.CopyTo(bytes);
        value.CopyTo(bytes.AsSpan(prefix.Length));
        bytes[^1] = (byte)'}';
        return bytes;
    }

    /// <summary>
    /// The list as seen from one base URL (its <c>items</c> URLs point back at the sandbox the client reached), as the
    /// invoices are now: written again (once per base URL) after a change.
    /// </summary>
    private EntryList ListFor(HttpRequest request, SandboxRoute route)
    {
        var baseUrl = route.UrlOf(request, Root);
        var current = invoices.Current;
        if (listsByBase.TryGetValue(baseUrl, out var known) && ReferenceEquals(known.Of, current))
        {
            return known.List;
        }

        var list = ReferenceEquals(current, generatedSnapshot) ? BuildList(baseUrl) : BuildList(baseUrl, current.List);
        if (listsByBase.Count < MaxCachedHosts || known is not null)
        {
            listsByBase[baseUrl] = new BaseList(current, list);
        }

        return list;
    }

    /// <summary>The list of changed invoices: each one's fields, <c>items</c> replaced by its URL.</summary>
    private static EntryList BuildList(string baseUrl, EntryList entries)
    {
        var builder = new EntryList.Builder(entries.Count, 250);
        for (var i = 0; i < entries.Count; i++)
        {
            using var document = JsonDocument.Parse(entries.Entry(i));
            var writer = builder.Begin();
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("items"))
                {
                    var id = document.RootElement.TryGetProperty("id", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                    writer.WriteString("items", $"{baseUrl}/user/invoices/{id}/items");
                }
                else
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
            builder.End();
        }

        return builder.Build();
    }

    // Runs once per start on up to a million invoices: compile it optimized right away, not after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private EntryList BuildList(string baseUrl)
    {
        var builder = new EntryList.Builder(generated.Length, 250);
        foreach (var invoice in generated)
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

    /// <summary>The list for one base URL, written from one snapshot of the invoices.</summary>
    private sealed record BaseList(MutableEntries.Snapshot Of, EntryList List);
}
