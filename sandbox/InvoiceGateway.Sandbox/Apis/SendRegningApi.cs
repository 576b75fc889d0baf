using System.Runtime.CompilerServices;
using System.Text;
using InvoiceGateway.Sandbox.Data;
using InvoiceGateway.Sandbox.Serving;

namespace InvoiceGateway.Sandbox.Apis;

/// <summary>
/// SendRegning (seed 002): Basic auth; <c>GET invoices/?page=N&amp;perPage=M</c> answers a JSON array and
/// a <c>Link: &lt;...&gt;; rel="next"</c> header while there are more pages, absolute from odd pages and
/// relative from even ones; <c>GET invoices/{number}</c>, 404 without body. The docs' example is served
/// as valid JSON; its broken copy (a missing comma) is what <see cref="SandboxFault.MalformedJson"/> serves.
/// </summary>
internal sealed class SendRegningApi : UpstreamApi
{
    public const string Root = "sendregning";
    public const int DefaultPerPage = 20;
    public const int MaxPerPage = 1000;

    /// <summary>The docs' example list exactly as published: invalid JSON, a comma is missing after <c>"mobile": "47474747"</c>.</summary>
    public const string DocsList =
        """
        [ { "number": 123, "credit": false, "orderNumber": "order_152", "invoiceDate": "2015-02-01", "dueDate": "2015-02-15", "orderDate": "2015-01-01", "reminderDate": "2015-02-20", "ourReference": "Ola Nordmann", "yourReference": "Kari Nordmann", "kid": "0034246611", "tax": 11.11, "total": 22.22, "invoiceText": "Special invoice text", "accountNumber": "70760530598", "currency": "NOK", "deliveryDate": "2015-03-01", "deliveryAddress": { "address": "Karl Johan", "zip": "0154", "city": "OSLO", "country": "NORGE" }, "originator": { "name": "Ola Nordmann", "fax": "11223344", "phone": "44332211", "mobile": "44113322", "web": "www.sendregning.no", "organisationNumber": "911919911", "address": { "address1": "Karl", "address2": "Johan", "zip": "0154", "city": "OSLO", "country": "NORGE" } }, "recipient": { "number": 7, "customerNumber": "p23", "name": "Kari Nordmann", "email": "karinordmann@sendregning.no", "mobile": "47474747" "address": { "address1": "Karl", "address2": "Johan", "zip": "0154", "city": "OSLO", "country": "NORGE" }, "organisationNumber": "911919911", "icd": "9908" }, "items": [ { "number": 1, "quantity": 10, "productCode": "pc1", "description": "first item", "unitPrice": 12.12, "discount": 10, "taxRate": 25, "total": 151.5, "totalWithoutTax": 121.2 }, { "number": 2, "quantity": 12.12, "productCode": "pc2", "description": "second item", "unitPrice": 22.22, "discount": 20, "taxRate": 15, "total": 309.71, "totalWithoutTax": 269.31 } ], "international": null, "currentBalance": 10, "_links": {} } ]
        """;

    /// <summary>The docs' example invoice as valid JSON (the missing comma restored).</summary>
    public static readonly string SeedInvoice =
        DocsList.Replace("\"mobile\": \"47474747\" \"address\"", "\"mobile\": \"47474747\", \"address\"", StringComparison.Ordinal)[2..^2];

    /// <summary>
    /// An invoice with every term EN 16931 needs that SendRegning's shape can carry (SPEC §9): seller and buyer with
    /// organisation numbers and addresses, units, rates, IBAN. The seller's VAT number is not in SendRegning's shape;
    /// it comes from the source's <c>Owner</c> configuration (the seller of a receivable source is the owner).
    /// Lines: 8 h × 125.00 and 1 × 500.00 at 25 %, 10 × 100.00 less 10 % at 15 %: net 2400.00, VAT 510.00.
    /// </summary>
    public const string CompleteInvoice =
        """
        { "number": 200, "credit": false, "orderNumber": "order_200", "invoiceDate": "2026-11-02", "dueDate": "2026-11-16", "orderDate": "2026-10-20", "reminderDate": null, "ourReference": "Ola Nordmann", "yourReference": "Kari Nordmann", "kid": "0000200017", "tax": 510.00, "total": 2910.00, "invoiceText": "Takk for handelen!", "accountNumber": "15032245871", "currency": "NOK", "deliveryDate": "2026-10-30", "deliveryAddress": { "address": "Strandkaien 3", "zip": "5003", "city": "BERGEN", "country": "NORGE" }, "originator": { "name": "Nordlys Regnskap AS", "fax": null, "phone": "22334455", "mobile": "41234567", "web": "www.nordlysregnskap.no", "organisationNumber": "913456782", "address": { "address1": "Storgata 12", "address2": null, "zip": "0155", "city": "OSLO", "country": "NORGE" } }, "recipient": { "number": 42, "customerNumber": "k4200", "name": "Havblikk AS", "email": "faktura@havblikk.no", "mobile": "91234567", "address": { "address1": "Strandkaien 3", "address2": "2. etasje", "zip": "5003", "city": "BERGEN", "country": "NORGE" }, "organisationNumber": "998877665", "icd": "0192" }, "items": [ { "number": 1, "quantity": 8, "unit": "timer", "productCode": "KONS", "description": "Konsulenttimer", "unitPrice": 125.00, "discount": 0, "taxRate": 25, "total": 1250.00, "totalWithoutTax": 1000.00 }, { "number": 2, "quantity": 1, "unit": "stk", "productCode": "LIS", "description": "Lisens, månedlig", "unitPrice": 500.00, "discount": 0, "taxRate": 25, "total": 625.00, "totalWithoutTax": 500.00 }, { "number": 3, "quantity": 10, "unit": "stk", "productCode": "MAT", "description": "Materialer", "unitPrice": 100.00, "discount": 10, "taxRate": 15, "total": 1035.00, "totalWithoutTax": 900.00 } ], "international": { "iban": "NO3515032245871", "bic": "DNBANOKKXXX" }, "currentBalance": 2910.00, "_links": {} }
        """;

    /// <summary>The number of <see cref="CompleteInvoice"/>, served after the generated invoices.</summary>
    public const long CompleteNumber = 200;

    private static readonly byte[] BrokenList = Encoding.UTF8.GetBytes(DocsList);
    private static readonly byte[] BrokenDetail = Encoding.UTF8.GetBytes(DocsList[2..^2]);
    private static readonly byte[] ListPrefix = "["u8.ToArray();
    private static readonly byte[] ListSuffix = "]"u8.ToArray();

    private static readonly (string Name, string Organisation, string Web, string Account)[] Originators =
    [
        ("Nordlys Regnskap AS", "913456782", "www.nordlysregnskap.no", "15032245871"),
        ("Fjellheim Snekkerverksted", "998877665", "www.fjellheim-snekker.no", "12100654329"),
        ("Bryggen Design AS", "924681357", "www.bryggendesign.no", "36250912345"),
    ];

    private static readonly string[] FirstNames = ["Ola", "Kari", "Per", "Ingrid", "Lars", "Sigrid", "Jonas", "Nora", "Håkon", "Åse", "Øystein", "Marit"];
    private static readonly string[] LastNames = ["Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Bakken", "Sæther", "Løken", "Dahl", "Strøm"];
    private static readonly string[] Companies = ["Havblikk AS", "Trollstigen Bygg AS", "Solsiden Kafé", "Vestland Elektro AS", "Nordkapp Fisk AS", "Mjøsa Maskin AS"];
    private static readonly (string Zip, string City)[] Places = [("0154", "OSLO"), ("5003", "BERGEN"), ("7011", "TRONDHEIM"), ("4006", "STAVANGER"), ("9008", "TROMSØ"), ("2317", "HAMAR")];
    private static readonly string[] Streets = ["Karl Johans gate", "Storgata", "Kongens gate", "Strandkaien", "Dronningens gate", "Torggata"];
    private static readonly string[] Countries = ["NORGE", "NORGE", "NORGE", "NORGE", "NORGE", "NORGE", "SVERIGE", "DANMARK"];
    private static readonly (string Code, string Description, int Price)[] Products =
    [
        ("KONS", "Konsulenttimer", 1250), ("REG", "Regnskapsføring, månedlig", 3400), ("ARB", "Arbeidstimer snekker", 780),
        ("MAT", "Materialer", 450), ("DES", "Designarbeid", 1100), ("REISE", "Reisekostnader", 320), ("LIS", "Lisens, årlig", 5990),
    ];

    private static readonly int[] TaxRates = [25, 25, 25, 15, 12, 0];

    private readonly MutableEntries invoices;

    public SendRegningApi(SandboxOptions options)
        : base(2)
    {
        var (generated, numbers) = Generate(options);
        var indexByNumber = new Dictionary<string, int>(numbers.Length, StringComparer.Ordinal);
        for (var i = 0; i < numbers.Length; i++)
        {
            indexByNumber[numbers[i].Format()] = i;
        }

        invoices = new MutableEntries(generated, "number", indexByNumber);
    }

    protected override (string Amount, string Date, string Id) BrokenFields => ("total", "dueDate", "number");

    public static (EntryList Invoices, long[] Numbers) Generate(SandboxOptions options)
    {
        var random = new DataRandom(unchecked(options.Seed + 2));
        var list = new EntryList.Builder(options.InvoicesPerSource + 2, 1400);
        var numbers = new long[options.InvoicesPerSource + 2];
        list.AddJson(SeedInvoice);
        numbers[0] = 123;
        for (var i = 0; i < options.InvoicesPerSource; i++)
        {
            var number = 1001L + i;
            numbers[i + 1] = number;
            Write(list.Begin(), random, options.Today, number);
            list.End();
        }

        list.AddJson(CompleteInvoice);
        numbers[^1] = CompleteNumber;
        return (list.Build(), numbers);
    }

    // Runs once per start on up to a million invoices: compile it optimized right away, not after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Write(System.Text.Json.Utf8JsonWriter writer, DataRandom random, DateOnly today, long number)
    {
        var originator = random.Pick(Originators);
        var due = random.Day(today, -120, 120);
        var invoiceDate = random.IssueDay(due, today, 10, 30);
        var person = $"{random.Pick(FirstNames)} {random.Pick(LastNames)}";
        var isCompany = random.Chance(50);
        var recipientName = isCompany ? random.Pick(Companies) : person;
        var place = random.Pick(Places);

        // Lines first: the invoice's totals are their sums.
        var lineCount = random.Next(1, 5);
        var lines = new (string Code, string Description, decimal Quantity, decimal UnitPrice, int Discount, int TaxRate, decimal Net, decimal Gross)[lineCount];
        decimal total = 0, net = 0;
        for (var j = 0; j < lineCount; j++)
        {
            var (code, description, price) = random.Pick(Products);
            var quantity = random.Chance(70) ? random.Next(1, 20) : DataRandom.Cents(random.Next(25, 2000));
            var unitPrice = DataRandom.Round2(price * (0.8m + (random.Next(0, 41) / 100m)));
            var discount = random.Chance(25) ? random.Pick(Discounts) : 0;
            var taxRate = random.Pick(TaxRates);
            var lineNet = DataRandom.Round2(quantity * unitPrice * (100 - discount) / 100m);
            var lineGross = DataRandom.Round2(lineNet * (100 + taxRate) / 100m);
            lines[j] = (code, description, quantity, unitPrice, discount, taxRate, lineNet, lineGross);
            total += lineGross;
            net += lineNet;
        }

        var credit = random.Chance(7);
        var balance = random.Next(0, 10) switch
        {
            < 4 => 0.00m,
            < 6 => DataRandom.Round2(total * random.Next(10, 90) / 100m),
            _ => total,
        };

        writer.WriteStartObject();
        writer.WriteNumber("number", number);
        writer.WriteBoolean("credit", credit);
        writer.WriteString("orderNumber", random.Chance(60) ? $"order_{random.Next(100, 9999).Format()}" : null);
        writer.WriteDate("invoiceDate", invoiceDate);
        writer.WriteDate("dueDate", due);
        writer.WriteDateOrNull("orderDate", random.Chance(50) ? invoiceDate.AddDays(-random.Next(1, 30)) : null);
        var reminder = due.AddDays(random.Next(5, 20));
        writer.WriteDateOrNull("reminderDate", balance > 0 && reminder <= today && random.Chance(50) ? reminder : null);
        writer.WriteString("ourReference", $"{random.Pick(FirstNames)} {random.Pick(LastNames)}");
        writer.WriteString("yourReference", isCompany ? person : null);
        writer.WriteString("kid", random.Digits(10));
        writer.WriteNumber("tax", total - net);
        writer.WriteNumber("total", total);
        writer.WriteString("invoiceText", random.Chance(40) ? "Takk for handelen!" : null);
        writer.WriteString("accountNumber", originator.Account);
        writer.WriteString("currency", "NOK");
        writer.WriteDateOrNull("deliveryDate", random.Chance(60) ? invoiceDate.AddDays(-random.Next(0, 14)) : null);
        writer.WriteStartObject("deliveryAddress");
        writer.WriteString("address", $"{random.Pick(Streets)} {random.Next(1, 120).Format()}");
        writer.WriteString("zip", place.Zip);
        writer.WriteString("city", place.City);
        writer.WriteString("country", "NORGE");
        writer.WriteEndObject();
        writer.WriteStartObject("originator");
        writer.WriteString("name", originator.Name);
        writer.WriteNull("fax");
        writer.WriteString("phone", random.Digits(8));
        writer.WriteString("mobile", "4" + random.Digits(7));
        writer.WriteString("web", originator.Web);
        writer.WriteString("organisationNumber", originator.Organisation);
        writer.WriteStartObject("address");
        writer.WriteString("address1", $"{random.Pick(Streets)} {random.Next(1, 120).Format()}");
        writer.WriteNull("address2");
        writer.WriteString("zip", "0154");
        writer.WriteString("city", "OSLO");
        writer.WriteString("country", "NORGE");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("recipient");
        writer.WriteNumber("number", random.Next(1, 500));
        writer.WriteString("customerNumber", $"k{random.Next(100, 9999).Format()}");
        writer.WriteString("name", recipientName);
        writer.WriteString("email", $"post{random.Next(1, 999).Format()}@example.no");
        writer.WriteString("mobile", "9" + random.Digits(7));
        writer.WriteStartObject("address");
        writer.WriteString("address1", $"{random.Pick(Streets)} {random.Next(1, 120).Format()}");
        writer.WriteString("address2", random.Chance(20) ? $"Postboks {random.Next(1, 999).Format()}" : null);
        writer.WriteString("zip", place.Zip);
        writer.WriteString("city", place.City);
        writer.WriteString("country", random.Pick(Countries));
        writer.WriteEndObject();
        writer.WriteString("organisationNumber", isCompany ? random.Digits(9) : null);
        writer.WriteString("icd", isCompany ? "0192" : null);
        writer.WriteEndObject();
        writer.WriteStartArray("items");
        for (var j = 0; j < lines.Length; j++)
        {
            var line = lines[j];
            writer.WriteStartObject();
            writer.WriteNumber("number", j + 1);
            writer.WriteNumber("quantity", line.Quantity);
            writer.WriteString("productCode", line.Code);
            writer.WriteString("description", line.Description);
            writer.WriteNumber("unitPrice", line.UnitPrice);
            writer.WriteNumber("discount", line.Discount);
            writer.WriteNumber("taxRate", line.TaxRate);
            writer.WriteNumber("total", line.Gross);
            writer.WriteNumber("totalWithoutTax", line.Net);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (random.Chance(30))
        {
            writer.WriteStartObject("international");
            writer.WriteString("iban", DataRandom.Iban("NO", originator.Account));
            writer.WriteString("bic", "DNBANOKKXXX");
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("international");
        }

        writer.WriteNumber("currentBalance", balance);
        writer.WriteStartObject("_links");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static readonly int[] Discounts = [5, 10, 15, 20];

    public override bool IsAuthorized(HttpRequest request) =>
        HttpAuth.HasBasic(request, SandboxCredentials.SendRegningUsername, SandboxCredentials.SendRegningPassword);

    public override Reply Unauthorized(HttpRequest request) =>
        Reply.Empty(StatusCodes.Status401Unauthorized, Header("WWW-Authenticate", "Basic realm=\"SendRegning\""));

    public override ListShape Shape(HttpContext context, SandboxRoute route) =>
        new(ListPrefix, invoices.Current.List is { Count: > 0 } list ? list.Entry(0) : ReadOnlyMemory<byte>.Empty, ListSuffix);

    public override Reply Malformed(HttpContext context, Reply normal, EndpointKind kind) =>
        Reply.Json(StatusCodes.Status200OK, kind == EndpointKind.List ? BrokenList : BrokenDetail);

    public override MutableEntries? Data(string? list) => list is null ? invoices : null;

    public override void Map(IEndpointRouteBuilder group, SandboxRoute route, SandboxRuntime runtime)
    {
        MapData(group, $"{Root}/invoices", EndpointKind.List, route, runtime, (context, breakOne) => List(context.Request, route, breakOne));
        MapData(group, $"{Root}/invoices/{{number}}", EndpointKind.Detail, route, runtime, (context, breakOne) =>
            invoices.Current is var data && data.IndexById.TryGetValue((string?)context.Request.RouteValues["number"] ?? "", out var index)
                ? Reply.Json(StatusCodes.Status200OK, breakOne ? Break(data.List.Entry(index)) : data.List.Entry(index))
                : Reply.Empty(StatusCodes.Status404NotFound));
    }

    private Reply List(HttpRequest request, SandboxRoute route, bool breakOne)
    {
        var page = QueryInt(request, "page", 1, int.MaxValue);
        var perPage = QueryInt(request, "perPage", DefaultPerPage, MaxPerPage);
        if (page is null || perPage is null)
        {
            return Reply.Empty(StatusCodes.Status400BadRequest);
        }

        var invoices = this.invoices.Current.List;
        var (start, end) = Slice(invoices.Count, page.Value, perPage.Value);
        var body = Page(ListPrefix, invoices, start, end, ListSuffix, breakOne);
        if (end >= invoices.Count)
        {
            return new Reply(StatusCodes.Status200OK, body);
        }

        // Both forms occur upstream: absolute links from odd pages, relative (path-absolute) ones from even pages.
        var next = $"{Root}/invoices/?page={(page.Value + 1).Format()}&perPage={perPage.Value.Format()}";
        var link = page.Value % 2 == 1 ? route.UrlOf(request, next) : route.PathOf(request, next);
        return new Reply(StatusCodes.Status200OK, body, Header("Link", $"<{link}>; rel=\"next\""));
    }
}
