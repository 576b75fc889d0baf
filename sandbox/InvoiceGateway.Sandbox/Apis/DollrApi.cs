using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Sandbox.Data;
using InvoiceGateway.Sandbox.Serving;

namespace InvoiceGateway.Sandbox.Apis;

/// <summary>
/// Dollr payment-link invoices (seed 004): <c>POST v1/jwt/client/obtain/token</c> with a JSON client id
/// and secret answers <c>expires_in</c> in MINUTES; <c>GET v1/invoices/list</c> answers an unpaged array
/// of summaries, <c>GET v1/invoices/retrieve/{id}</c> the detail with items and counterparty. Ids are
/// numbers for some invoices and strings (<c>INV-00042</c>) for others. The details change at run time through the
/// control API (<c>_sandbox/data/dollr/invoices</c>); the list's summaries are the details without items and counterparty.
/// </summary>
internal sealed class DollrApi : UpstreamApi
{
    public const string Root = "dollr";
    public const int TokenMinutes = 60;

    public const string SeedInvoice =
        """
        {
        "id": 123,
        "invoice_number": "DLR-2023-000123",
        "counterparty_id": 88,
        "currency": "USD",
        "total_amount": 150.00,
        "status": "ACTIVE",
        "note": "Website maintenance, October 2023",
        "fee_bearer": "CUSTOMER",
        "due_date": "2023-11-07T05:31:56Z",
        "as_payment_link": true,
        "owner_id": 17,
        "owner_type": "BUSINESS",
        "created_at": "2023-10-24T09:12:40Z",
        "updated_at": "2023-10-24T09:12:40Z",
        "reference_id": "ref_6f1c2a9e0b7d",
        "paid_at": null,
        "invoice_items": [
        {
        "id": 501,
        "name": "Website maintenance",
        "currency": "USD",
        "qty": 1,
        "amount": 120.00,
        "created_at": "2023-10-24T09:12:40Z",
        "updated_at": "2023-10-24T09:12:40Z"
        },
        {
        "id": 502,
        "name": "Domain renewal (.com.lr)",
        "currency": "USD",
        "qty": 2,
        "amount": 15.00,
        "created_at": "2023-10-24T09:12:40Z",
        "updated_at": "2023-10-24T09:12:40Z"
        }
        ],
        "counterparty": {
        "id": 88,
        "owner_party_type": "BUSINESS",
        "owner_party_id": 17,
        "relationship_type": "CUSTOMER",
        "created_at": "2023-06-02T14:03:11Z",
        "updated_at": "2023-06-02T14:03:11Z",
        "party": {
        "id": 311,
        "fullname": "Comfort Kollie",
        "created_at": "2023-06-02T14:03:11Z",
        "updated_at": "2023-06-02T14:03:11Z",
        "email": "comfort.kollie@example.com.lr",
        "phone": "+231770123456",
        "country_code": "LR"
        }
        }
        }
        """;

    private static readonly byte[] ListPrefix = "["u8.ToArray();
    private static readonly byte[] ListSuffix = "]"u8.ToArray();
    private static readonly byte[] NotFoundBody = """{"detail":"Not found."}"""u8.ToArray();

    private static readonly string[] Statuses = ["IDLE", "ACTIVE", "ACTIVE", "ACTIVE", "PROCESSING", "PAID", "PAID", "PAID", "CANCELED"];
    private static readonly string[] FirstNames = ["Comfort", "Musu", "Joseph", "Fatu", "Emmanuel", "Hawa", "Prince", "Oretha", "Samuel", "Korto"];
    private static readonly string[] LastNames = ["Kollie", "Johnson", "Doe", "Sirleaf", "Weah", "Flomo", "Kamara", "Cooper", "Tubman", "Gbowee"];
    private static readonly string[] Countries = ["LR", "LR", "LR", "LR", "US", "GH", "SL"];
    private static readonly (string Name, int Usd)[] Products =
    [
        ("Website maintenance", 120), ("Logo design", 250), ("Catering, per guest", 12), ("Generator fuel (gallon)", 6),
        ("School fees, term", 180), ("Solar panel installation", 900), ("Phone repair", 35), ("Tailoring, lappa suit", 45),
    ];

    private readonly MutableEntries invoices;
    private readonly TokenStore tokens;

    /// <summary>The summaries of one snapshot of the details: the generated ones until the first change.</summary>
    private volatile Summaries summaries;

    public DollrApi(SandboxOptions options, TimeProvider time)
        : base(4)
    {
        var (generatedSummaries, details, ids) = Generate(options);
        var indexById = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            indexById[ids[i]] = i;
        }

        invoices = new MutableEntries(details, "id", indexById);
        summaries = new Summaries(invoices.Current, generatedSummaries);
        tokens = new TokenStore(time, TimeSpan.FromMinutes(TokenMinutes));
    }

    public override MutableEntries? Data(string? list) => list is null ? invoices : null;

    protected override (string Amount, string Date, string Id) BrokenFields => ("total_amount", "due_date", "id");

    // Runs once per start on up to a million invoices: compile it optimized right away, not after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (EntryList Summaries, EntryList Details, string[] Ids) Generate(SandboxOptions options)
    {
        var random = new DataRandom(unchecked(options.Seed + 4));
        var summaries = new EntryList.Builder(options.InvoicesPerSource + 1, 500);
        var details = new EntryList.Builder(options.InvoicesPerSource + 1, 1100);
        var ids = new string[options.InvoicesPerSource + 1];

        details.AddJson(SeedInvoice);
        var seedSummary = JsonNode.Parse(SeedInvoice)!.AsObject();
        seedSummary.Remove("invoice_items");
        seedSummary.Remove("counterparty");
        summaries.AddJson(seedSummary.ToJsonString());
        ids[0] = "123";

        var itemId = 1000;
        for (var i = 0; i < options.InvoicesPerSource; i++)
        {
            var number = 200 + i;
            var stringId = random.Chance(30);
            ids[i + 1] = stringId ? $"INV-{number:00000}" : number.Format();
            var currency = random.Chance(60) ? "USD" : "LRD";
            var rate = currency == "USD" ? 1 : 190;
            var items = new (int Id, string Name, int Qty, decimal Amount)[random.Next(1, 4)];
            decimal total = 0;
            for (var j = 0; j < items.Length; j++)
            {
                var (name, usd) = random.Pick(Products);
                var amount = DataRandom.Cents(((long)usd * rate * 100) + random.Next(-usd * rate * 10, (usd * rate * 10) + 1));
                var qty = random.Next(1, 6);
                items[j] = (++itemId, name, qty, amount);
                total += qty * amount;
            }

            var due = random.Day(options.Today, -120, 120);
            var created = DataRandom.NotAfter(random.Moment(random.IssueDay(due, options.Today, 7, 30)), options.Today);
            var status = random.Pick(Statuses);
            var paidAt = status == "PAID" ? Max(created, DataRandom.NotAfter(created.AddHours(random.Next(1, 24 * 20)), options.Today)) : (DateTime?)null;
            var updated = paidAt ?? created;
            var counterpartyId = random.Next(10, 900);
            var partyId = counterpartyId + 300;
            var invoiceNumber = $"DLR-{created.Year.Format()}-{number:000000}";
            var reference = $"ref_{random.Digits(12)}";
            var dueMoment = random.Moment(due);
            var note = random.Chance(60) ? $"Invoice {invoiceNumber}" : null;

            void WriteSummary(Utf8JsonWriter writer)
            {
                if (stringId)
                {
                    writer.WriteString("id", ids[i + 1]);
                }
                else
                {
                    writer.WriteNumber("id", number);
                }

                writer.WriteString("invoice_number", invoiceNumber);
                writer.WriteNumber("counterparty_id", counterpartyId);
                writer.WriteString("currency", currency);
                writer.WriteNumber("total_amount", total);
                writer.WriteString("status", status);
                writer.WriteString("note", note);
                writer.WriteString("fee_bearer", (number % 3) == 0 ? "MERCHANT" : "CUSTOMER");
                writer.WriteTimestamp("due_date", dueMoment);
                writer.WriteBoolean("as_payment_link", (number % 4) != 0);
                writer.WriteNumber("owner_id", 17);
                writer.WriteString("owner_type", "BUSINESS");
                writer.WriteTimestamp("created_at", created);
                writer.WriteTimestamp("updated_at", updated);
                writer.WriteString("reference_id", reference);
                writer.WriteTimestampOrNull("paid_at", paidAt);
            }

            var writer = summaries.Begin();
            writer.WriteStartObject();
            WriteSummary(writer);
            writer.WriteEndObject();
            summaries.End();

            writer = details.Begin();
            writer.WriteStartObject();
            WriteSummary(writer);
            writer.WriteStartArray("invoice_items");
            foreach (var item in items)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", item.Id);
                writer.WriteString("name", item.Name);
                writer.WriteString("currency", currency);
                writer.WriteNumber("qty", item.Qty);
                writer.WriteNumber("amount", item.Amount);
                writer.WriteTimestamp("created_at", created);
                writer.WriteTimestamp("updated_at", created);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            var first = random.Pick(FirstNames);
            var last = random.Pick(LastNames);
            var partyCreated = created.AddDays(-random.Next(1, 400));
            writer.WriteStartObject("counterparty");
            writer.WriteNumber("id", counterpartyId);
            writer.WriteString("owner_party_type", "BUSINESS");
            writer.WriteNumber("owner_party_id", 17);
            writer.WriteString("relationship_type", "CUSTOMER");
            writer.WriteTimestamp("created_at", partyCreated);
            writer.WriteTimestamp("updated_at", partyCreated);
            writer.WriteStartObject("party");
            writer.WriteNumber("id", partyId);
            writer.WriteString("fullname", $"{first} {last}");
            writer.WriteTimestamp("created_at", partyCreated);
            writer.WriteTimestamp("updated_at", partyCreated);
            writer.WriteString("email", $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@example.com.lr");
            writer.WriteString("phone", $"+2317{random.Digits(8)}");
            writer.WriteString("country_code", random.Pick(Countries));
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            details.End();
        }

        return (summaries.Build(), details.Build(), ids);
    }

    public override bool IsAuthorized(HttpRequest request) =>
        HttpAuth.TryGetBearer(request, out var token) && tokens.IsValid(token);

    public override Reply Unauthorized(HttpRequest request) =>
        Reply.Json(
            StatusCodes.Status401Unauthorized,
            HttpAuth.TryGetBearer(request, out _)
                ? """{"detail":"Given token not valid for any token type","code":"token_not_valid"}"""
                : """{"detail":"Authentication credentials were not provided."}""",
            Header("WWW-Authenticate", "Bearer realm=\"api\""));

    public override ListShape Shape(HttpContext context, SandboxRoute route) =>
        CurrentSummaries() is { Count: > 0 } list ? new(ListPrefix, list.Entry(0), ListSuffix) : new(ListPrefix, ReadOnlyMemory<byte>.Empty, ListSuffix);

    public override void Map(IEndpointRouteBuilder group, SandboxRoute route, SandboxRuntime runtime)
    {
        MapToken(group, $"{Root}/v1/jwt/client/obtain/token", runtime, IssueTokenAsync);
        MapData(group, $"{Root}/v1/invoices/list", EndpointKind.List, route, runtime, (_, breakOne) =>
        {
            var list = CurrentSummaries();
            return new Reply(StatusCodes.Status200OK, Page(ListPrefix, list, 0, list.Count, ListSuffix, breakOne));
        });
        MapData(group, $"{Root}/v1/invoices/retrieve/{{id}}", EndpointKind.Detail, route, runtime, (context, breakOne) =>
        {
            var details = invoices.Current;
            return details.IndexById.TryGetValue((string?)context.Request.RouteValues["id"] ?? "", out var index)
                ? Reply.Json(StatusCodes.Status200OK, breakOne ? Break(details.List.Entry(index)) : details.List.Entry(index))
                : Reply.Json(StatusCodes.Status404NotFound, NotFoundBody);
        });
    }

    /// <summary>The list as the details are now: built again (once) after a change.</summary>
    private EntryList CurrentSummaries()
    {
        var details = invoices.Current;
        var known = summaries;
        if (ReferenceEquals(known.Of, details))
        {
            return known.List;
        }

        var builder = new EntryList.Builder(details.List.Count, 500);
        for (var i = 0; i < details.List.Count; i++)
        {
            using var document = JsonDocument.Parse(details.List.Entry(i));
            var writer = builder.Begin();
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name is not ("invoice_items" or "counterparty"))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
            builder.End();
        }

        var list = builder.Build();
        summaries = new Summaries(details, list);
        return list;
    }

    private async Task<Reply> IssueTokenAsync(HttpContext context)
    {
        string? clientId = null, clientSecret = null;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (body.RootElement.ValueKind == JsonValueKind.Object)
            {
                clientId = String(body.RootElement, "client_id");
                clientSecret = String(body.RootElement, "client_secret");
            }
        }
        catch (JsonException)
        {
            return Reply.Json(StatusCodes.Status400BadRequest, """{"detail":"JSON parse error."}""");
        }

        if (clientId is null || clientSecret is null)
        {
            return Reply.Json(StatusCodes.Status400BadRequest, """{"client_id":["This field is required."],"client_secret":["This field is required."]}""");
        }

        if (!HttpAuth.Same(clientId, SandboxCredentials.DollrClientId) || !HttpAuth.Same(clientSecret, SandboxCredentials.DollrClientSecret))
        {
            return Reply.Json(StatusCodes.Status401Unauthorized, """{"detail":"No active account found with the given credentials"}""");
        }

        var (token, _) = tokens.Issue();
        return Reply.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("access_token", token);
            writer.WriteNumber("expires_in", TokenMinutes);
            writer.WriteEndObject();
        });
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record Summaries(MutableEntries.Snapshot Of, EntryList List);
}
