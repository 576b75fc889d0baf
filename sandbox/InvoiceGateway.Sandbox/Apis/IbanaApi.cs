using System.Runtime.CompilerServices;
using System.Text.Json;
using InvoiceGateway.Sandbox.Data;
using InvoiceGateway.Sandbox.Serving;

namespace InvoiceGateway.Sandbox.Apis;

/// <summary>
/// ibana accounts-payable inbox (seed 001): static bearer token; <c>GET v1/invoice?page=N&amp;limit=M</c>
/// answers <c>{"data":[...],"meta":{"total","page","limit"}}</c>, <c>GET v1/invoice/{id}</c> one invoice.
/// The supplier comes in three generations: older <c>recipientName/Iban/Vat</c>, newer
/// <c>counterpartyName/Iban/Vat</c>, or only <c>recipient.bankAccount</c>.
/// </summary>
internal sealed class IbanaApi : UpstreamApi
{
    public const string Root = "ibana";
    public const int DefaultLimit = 20;
    public const int MaxLimit = 1000;

    private static readonly byte[] ListPrefix = "{\"data\":["u8.ToArray();
    private static readonly byte[] NotFoundBody = """{"statusCode":404,"message":"Invoice not found","error":"Not Found"}"""u8.ToArray();

    private static readonly (string Name, string Vat, string Email, string Bic, string Address, string Description)[] Suppliers =
    [
        ("A1 Telekom Austria AG", "ATU62895905", "rechnung@a1.at", "BKAUATWWXXX", "Lassallestraße 9, 1020 Wien", "Mobilfunk und Internet"),
        ("Wien Energie GmbH", "ATU38416805", "kundenservice@wienenergie.at", "GIBAATWWXXX", "Thomas-Klestil-Platz 14, 1030 Wien", "Strom und Fernwärme"),
        ("Österreichische Post AG", "ATU46674503", "rechnungen@post.at", "OPSKATWWXXX", "Rochusplatz 1, 1030 Wien", "Versand"),
        ("Bürobedarf Huber KG", "ATU12345675", "office@huber-buero.at", "RZOOAT2L", "Landstraße 12, 4020 Linz", "Büromaterial"),
        ("Steirische Druckerei GmbH", "ATU57712309", "buchhaltung@stdruck.at", "STSPAT2GXXX", "Annenstraße 20, 8020 Graz", "Drucksorten"),
        ("Alpen IT Service e.U.", "ATU69912348", "billing@alpen-it.at", "BAWAATWWXXX", "Museumstraße 3, 6020 Innsbruck", "IT-Betreuung"),
        ("Salzburger Reinigung GmbH", "ATU61234566", "office@sbg-reinigung.at", "SBGSAT2SXXX", "Ignaz-Harrer-Straße 5, 5020 Salzburg", "Gebäudereinigung"),
    ];

    private static readonly (string Name, string Slug)[] Organizations = [("Muster Handel GmbH", "muster-handel"), ("Donau Logistik GmbH", "donau-logistik")];

    private static readonly (string Title, int Code, int Price)[] Products =
    [
        ("Grundgebühr", 4001, 4950), ("Datenpaket", 4107, 2450), ("Stromlieferung", 5100, 18990), ("Netzentgelt", 5120, 6480),
        ("Paketversand", 6001, 890), ("Kopierpapier A4", 7010, 2299), ("Toner schwarz", 7042, 8900), ("Wartungspauschale", 8100, 39000),
        ("Arbeitsstunde", 8200, 9500), ("Unterhaltsreinigung", 9001, 42000),
    ];

    private static readonly string[] Types = ["INVOICE", "INVOICE", "INVOICE", "INVOICE", "INVOICE", "INVOICE", "INVOICE", "REMINDER", "CREDIT_NOTE", "CREDIT_NOTE"];
    private static readonly string[] Statuses = ["NEW", "NEW", "NEW", "IN_PROGRESS", "IN_PROGRESS", "APPROVED", "APPROVED", "APPROVED", "REJECTED", "CANCELLED"];
    private static readonly int[] TaxRates = [20, 20, 20, 10, 13];
    private static readonly string[] Users = ["Maria Gruber", "Lukas Huber", "Anna Wagner", "Stefan Pichler"];

    private readonly MutableEntries invoices;

    public IbanaApi(SandboxOptions options)
        : base(3)
    {
        var (generated, ids) = Generate(options);
        var indexById = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            indexById[ids[i]] = i;
        }

        invoices = new MutableEntries(generated, "id", indexById);
    }

    protected override (string Amount, string Date, string Id) BrokenFields => ("totalAmount", "dueDate", "id");

    public static (EntryList Invoices, string[] Ids) Generate(SandboxOptions options)
    {
        var random = new DataRandom(unchecked(options.Seed + 3));
        var list = new EntryList.Builder(options.InvoicesPerSource + 1, 2600);
        var ids = new string[options.InvoicesPerSource + 1];
        list.AddJson(IbanaSeed.Invoice);
        ids[0] = IbanaSeed.Id;
        for (var i = 0; i < options.InvoicesPerSource; i++)
        {
            ids[i + 1] = random.NextGuid().ToString();
            Write(list.Begin(), random, options.Today, ids[i + 1], i + 1);
            list.End();
        }

        return (list.Build(), ids);
    }

    // Runs once per start on up to a million invoices: compile it optimized right away, not after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Write(Utf8JsonWriter writer, DataRandom random, DateOnly today, string id, int sequence)
    {
        var supplier = random.Pick(Suppliers);
        var organization = random.Pick(Organizations);
        var due = random.Day(today, -120, 120);
        var date = random.IssueDay(due, today, 14, 30);
        var created = DataRandom.NotAfter(random.Moment(date.AddDays(random.Next(0, 4))), today);
        var updated = DataRandom.NotAfter(created.AddHours(random.Next(0, 72)), today);
        if (updated < created)
        {
            updated = created;
        }

        var iban = DataRandom.Iban("AT", random.Digits(16));
        var variant = random.Next(0, 3);
        var invoiceNumber = $"RE-{date.Year.Format()}-{(10000 + sequence).Format()}";

        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteTimestamp("createdAt", created);
        writer.WriteTimestamp("updatedAt", updated);
        writer.WriteString("originalFileName", $"Rechnung_{invoiceNumber}.pdf");
        writer.WriteString("filename", $"{id}.pdf");
        if (variant == 0)
        {
            writer.WriteString("recipientName", supplier.Name);
            writer.WriteString("recipientIban", iban);
            writer.WriteString("recipientVat", supplier.Vat);
        }
        else if (variant == 1)
        {
            writer.WriteString("counterpartyName", supplier.Name);
            writer.WriteString("counterpartyIban", iban);
            writer.WriteString("counterpartyVat", supplier.Vat);
        }

        writer.WriteStartObject("recipient");
        WriteMeta(writer, random.NextGuid(), created);
        writer.WriteString("email", supplier.Email);
        var trusted = random.Chance(60);
        writer.WriteBoolean("markedTrusted", trusted);
        writer.WriteTimestampOrNull("markedTrustedDate", trusted ? created : null);
        if (trusted)
        {
            writer.WriteStartObject("markedTrustedUser");
            WriteUser(writer, random, created);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("markedTrustedUser");
        }

        writer.WriteString("description", supplier.Description);
        writer.WriteString("vat", supplier.Vat);
        writer.WriteString("accountsPayableNumber", $"{random.Digits(2)} {random.Digits(7)}");
        writer.WriteStartObject("bankAccount");
        WriteMeta(writer, random.NextGuid(), created);
        writer.WriteString("name", supplier.Name);
        writer.WriteString("iban", iban);
        writer.WriteString("bic", supplier.Bic);
        writer.WriteString("countryCode", "AT");
        writer.WriteString("address", supplier.Address);
        writer.WriteEndObject();
        writer.WriteEndObject();

        var lineCount = random.Next(1, 5);
        var lines = new (string Title, int Code, decimal Quantity, decimal UnitPrice, int Discount, int TaxRate, decimal Tax, decimal Total)[lineCount];
        decimal total = 0;
        for (var j = 0; j < lineCount; j++)
        {
            var (title, code, price) = random.Pick(Products);
            decimal quantity = random.Next(1, 13);
            var unitPrice = DataRandom.Cents(price + random.Next(-price / 5, (price / 5) + 1));
            var discount = random.Chance(20) ? random.Pick(Discounts) : 0;
            var taxRate = random.Pick(TaxRates);
            var net = DataRandom.Round2(quantity * unitPrice * (100 - discount) / 100m);
            var tax = DataRandom.Round2(net * taxRate / 100m);
            lines[j] = (title, code, quantity, unitPrice, discount, taxRate, tax, net + tax);
            total += net + tax;
        }

        writer.WriteString("invoiceNumber", invoiceNumber);
        writer.WriteString("purchaseOrder", random.Chance(50) ? $"PO-{date.Year.Format()}-{random.Digits(4)}" : null);
        writer.WriteDate("date", date);
        var period = random.Chance(50);
        var periodStart = new DateOnly(date.Year, date.Month, 1).AddMonths(-1);
        writer.WriteDateOrNull("billingPeriodStart", period ? periodStart : null);
        writer.WriteDateOrNull("billingPeriodEnd", period ? periodStart.AddMonths(1).AddDays(-1) : null);
        writer.WriteDate("dueDate", due);
        var skontoRate = random.Chance(35) ? random.Next(2, 4) : 0;
        writer.WriteDateOrNull("skontoDate", skontoRate > 0 ? date.AddDays(10) : null);
        writer.WriteNumberOrNull("skontoAmount", skontoRate > 0 ? DataRandom.Round2(total * skontoRate / 100m) : null);
        if (skontoRate > 0)
        {
            writer.WriteNumber("skontoRate", skontoRate);
        }
        else
        {
            writer.WriteNull("skontoRate");
        }

        writer.WriteNumber("totalAmount", total);
        writer.WriteString("currency", "EUR");
        writer.WriteString("type", random.Pick(Types));
        writer.WriteString("paymentTerms", skontoRate > 0 ? $"10 Tage {skontoRate.Format()}% Skonto, 30 Tage netto" : "30 Tage netto");
        writer.WriteString("notes", random.Chance(30) ? $"Kundennummer {random.Digits(4)}-{random.Digits(4)}" : null);
        writer.WriteBoolean("shouldCreateTransaction", true);
        var paid = random.Chance(30);
        writer.WriteBoolean("alreadyPaid", paid);
        writer.WriteTimestampOrNull("alreadyPaidDate", paid ? DataRandom.NotAfter(random.Moment(date.AddDays(random.Next(1, 20))), today) : null);
        writer.WriteBoolean("archived", false);
        writer.WriteNull("archivedDate");
        writer.WriteNull("archivedByUser");
        writer.WriteStartObject("organization");
        WriteMeta(writer, OrganizationId(organization.Slug), new DateTime(2023, 1, 9, 8, 0, 0, DateTimeKind.Utc));
        writer.WriteString("name", organization.Name);
        writer.WriteString("slug", organization.Slug);
        writer.WriteString("logoFileName", $"{organization.Slug}.png");
        writer.WriteStartArray("featureFlags");
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteString("status", random.Pick(Statuses));
        writer.WriteNull("debitor");
        writer.WriteNull("export");
        writer.WriteStartArray("splits");
        writer.WriteEndArray();
        writer.WriteStartArray("lineItems");
        foreach (var line in lines)
        {
            writer.WriteStartObject();
            WriteMeta(writer, random.NextGuid(), created);
            writer.WriteNumber("productCode", line.Code);
            writer.WriteString("title", line.Title);
            writer.WriteNull("description");
            writer.WriteNumber("quantity", line.Quantity);
            writer.WriteNumber("unit", 1);
            writer.WriteNumber("unitPrice", line.UnitPrice);
            writer.WriteNumber("totalPrice", line.Total);
            writer.WriteNumber("discount", line.Discount);
            writer.WriteNumber("taxRate", line.TaxRate);
            writer.WriteNumber("taxAmount", line.Tax);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static readonly int[] Discounts = [3, 5, 10];

    private static Guid OrganizationId(string slug) => slug == "muster-handel"
        ? new Guid("e3f4a5b6-7c8d-4e9f-8a0b-1c2d3e4f5a61")
        : new Guid("5d0a7b3c-2e1f-4a6b-9c8d-7e6f5a4b3c2d");

    private static void WriteMeta(Utf8JsonWriter writer, Guid id, DateTime created)
    {
        writer.WriteString("id", id);
        writer.WriteTimestamp("createdAt", created);
        writer.WriteTimestamp("updatedAt", created);
    }

    private static void WriteUser(Utf8JsonWriter writer, DataRandom random, DateTime created)
    {
        var name = random.Pick(Users);
        WriteMeta(writer, random.NextGuid(), created);
        writer.WriteString("email", $"{name.Split(' ')[0].ToLowerInvariant()}@muster-handel.at");
        writer.WriteString("name", name);
        writer.WriteString("authId", $"auth0|{random.Digits(12)}");
        writer.WriteString("role", "ACCOUNTANT");
        writer.WriteBoolean("hasPushNotification", random.Chance(50));
    }

    public override bool IsAuthorized(HttpRequest request) => HttpAuth.HasBearer(request, SandboxCredentials.IbanaToken);

    public override Reply Unauthorized(HttpRequest request) =>
        Reply.Json(StatusCodes.Status401Unauthorized, """{"statusCode":401,"message":"Unauthorized"}""", Header("WWW-Authenticate", "Bearer"));

    public override ListShape Shape(HttpContext context, SandboxRoute route) =>
        new(ListPrefix, invoices.Current.List is { Count: > 0 } list ? list.Entry(0) : ReadOnlyMemory<byte>.Empty, Meta(invoices.Current.List.Count, 1, invoices.Current.List.Count));

    public override MutableEntries? Data(string? list) => list is null ? invoices : null;

    public override void Map(IEndpointRouteBuilder group, SandboxRoute route, SandboxRuntime runtime)
    {
        MapData(group, $"{Root}/v1/invoice", EndpointKind.List, route, runtime, (context, breakOne) => List(context.Request, breakOne));
        MapData(group, $"{Root}/v1/invoice/{{id}}", EndpointKind.Detail, route, runtime, (context, breakOne) =>
            invoices.Current is var data && data.IndexById.TryGetValue((string?)context.Request.RouteValues["id"] ?? "", out var index)
                ? Reply.Json(StatusCodes.Status200OK, breakOne ? Break(data.List.Entry(index)) : data.List.Entry(index))
                : Reply.Json(StatusCodes.Status404NotFound, NotFoundBody));
    }

    private Reply List(HttpRequest request, bool breakOne)
    {
        var page = QueryInt(request, "page", 1, int.MaxValue);
        var limit = QueryInt(request, "limit", DefaultLimit, MaxLimit);
        if (page is null || limit is null)
        {
            return Reply.Json(
                StatusCodes.Status400BadRequest,
                $$"""{"statusCode":400,"message":["page must be a positive integer","limit must be between 1 and {{MaxLimit.Format()}}"],"error":"Bad Request"}""");
        }

        var invoices = this.invoices.Current.List;
        var (start, end) = Slice(invoices.Count, page.Value, limit.Value);
        return new Reply(StatusCodes.Status200OK, Page(ListPrefix, invoices, start, end, Meta(invoices.Count, page.Value, limit.Value), breakOne));
    }

    private static byte[] Meta(int total, int page, int limit) =>
        System.Text.Encoding.UTF8.GetBytes($$$"""],"meta":{"total":{{{total.Format()}}},"page":{{{page.Format()}}},"limit":{{{limit.Format()}}}}}""");
}
