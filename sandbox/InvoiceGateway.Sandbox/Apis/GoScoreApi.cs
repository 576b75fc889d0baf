using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using InvoiceGateway.Sandbox.Data;
using InvoiceGateway.Sandbox.Serving;

namespace InvoiceGateway.Sandbox.Apis;

/// <summary>
/// GoScore eFaktura (seed 000): <c>POST auth</c> with <c>Client-ID</c>/<c>Secret-Key</c> headers, then
/// <c>GET invoices/{consentId}?page=N&amp;per_page=M</c> with no paging metadata. As in the docs'
/// example, the first page carries a trailing comma after its last invoice.
/// </summary>
internal sealed class GoScoreApi : UpstreamApi
{
    public const string Root = "goscore/api/1.0";
    public const int DefaultPerPage = 20;
    public const int MaxPerPage = 1000;

    /// <summary>The docs' example invoice, with exactly its values (and number texts: 463.0, 400.0).</summary>
    public const string SeedInvoice =
        """{"id":"8599002184","creditor_name":"EnterCard Kredittkort","creditor_org_number":918713867,"efaktura_ref":"123456789","type":"INVOICE","status":"PROCESSED","account":"14300642641","kid":"110002444955","org_number":918713867,"amount":463.0,"min_amount":400.0,"credit_note_amount":null,"due_date":"2021-01-16","overdue":true,"paid":true}""";

    private static readonly byte[] ListPrefix = "{\"status\":\"done\",\"invoices\":["u8.ToArray();
    private static readonly byte[] ListSuffix = "],\"user_data_id\":\"1\"}"u8.ToArray();
    private static readonly byte[] FirstPageSuffix = ",],\"user_data_id\":\"1\"}"u8.ToArray();
    private static readonly byte[] JwtHeader = Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}""");

    private static readonly (string Name, int OrgNumber)[] Creditors =
    [
        ("EnterCard Kredittkort", 918713867), ("Telenor Norge AS", 976967631), ("Fjordkraft AS", 976944801),
        ("Tibber Norge AS", 917245975), ("Hafslund Strøm AS", 980489698), ("Gjensidige Forsikring ASA", 995568217),
        ("If Skadeforsikring NUF", 981290666), ("Oslo kommune Bymiljøetaten", 996922766), ("Bergen kommune", 964338531),
        ("Telia Norge AS", 981929055), ("Elvia AS", 980489689), ("Lyse Energi AS", 980001234),
        ("Santander Consumer Bank AS", 981221687), ("Sparebank 1 Kreditt AS", 975966372), ("Statens vegvesen", 971032081),
        ("Trondheim Parkering AS", 946485001), ("Bane NOR SF", 917082308), ("Sats Norway AS", 994008866),
    ];

    private static readonly int[] KidLengths = [7, 10, 12, 15];

    private static readonly string[] Statuses = ["PROCESSED", "PROCESSED", "PROCESSED", "NEW", "PENDING", "REJECTED"];

    private readonly MutableEntries invoices;
    private readonly TokenStore tokens;
    private readonly SandboxOptions options;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, MutableEntries> consents = new();

    public GoScoreApi(SandboxOptions options, TimeProvider time)
        : base(0)
    {
        this.options = options;
        invoices = new MutableEntries(Generate(options), "id");
        tokens = new TokenStore(time, TimeSpan.FromMinutes(60));
    }

    protected override (string Amount, string Date, string Id) BrokenFields => ("amount", "due_date", "id");

    // Runs once per start on up to a million invoices: compile it optimized right away, not after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static EntryList Generate(SandboxOptions options)
    {
        var random = new DataRandom(unchecked(options.Seed + 0));
        var list = new EntryList.Builder(options.InvoicesPerSource + 1, 400);
        list.AddJson(SeedInvoice);
        var id = 8599002184L;
        for (var i = 0; i < options.InvoicesPerSource; i++)
        {
            id += random.Next(1, 60);
            WriteInvoice(list, random, id, options.Today);
        }

        return list.Build();
    }

    /// <summary>
    /// The invoices of another user's consent: consent ids <c>c1</c>, <c>c2</c>, ... each have
    /// <see cref="SandboxOptions.InvoicesPerConsent"/> invoices of their own (ids that no other consent
    /// has), so that tests can connect many tenants, each with its own consent, and tell their invoices apart.
    /// </summary>
    public static EntryList GenerateConsent(SandboxOptions options, int consent)
    {
        var random = new DataRandom(unchecked(options.Seed + 1000 + consent));
        var list = new EntryList.Builder(options.InvoicesPerConsent, 400);
        var id = 1_000_000_000_000L + (consent * 1_000L);
        for (var i = 0; i < options.InvoicesPerConsent; i++)
        {
            WriteInvoice(list, random, id + i, options.Today);
        }

        return list.Build();
    }

    private static void WriteInvoice(EntryList.Builder list, DataRandom random, long id, DateOnly today)
    {
        var (creditor, orgNumber) = random.Pick(Creditors);
        var creditNote = random.Chance(8);
        var amount = random.Money(49, 25_000);
        var due = random.Day(today, -120, 120);
        var paid = random.Chance(40);
        var writer = list.Begin();
        writer.WriteStartObject();
        writer.WriteString("id", id.Format());
        writer.WriteString("creditor_name", creditor);
        writer.WriteNumber("creditor_org_number", orgNumber);
        writer.WriteString("efaktura_ref", random.Digits(9));
        writer.WriteString("type", creditNote ? "CREDIT_NOTE" : "INVOICE");
        writer.WriteString("status", random.Pick(Statuses));
        writer.WriteString("account", random.Digits(11));
        writer.WriteString("kid", random.Digits(random.Pick(KidLengths)));
        writer.WriteNumber("org_number", orgNumber);
        writer.WriteNumber("amount", amount);
        writer.WriteNumberOrNull("min_amount", !creditNote && random.Chance(35) ? DataRandom.Round2(amount * 0.1m) : null);
        writer.WriteNumberOrNull("credit_note_amount", creditNote ? amount : null);
        writer.WriteDate("due_date", due);
        writer.WriteBoolean("overdue", due < today);
        writer.WriteBoolean("paid", paid);
        writer.WriteEndObject();
        list.End();
    }

    public override bool IsAuthorized(HttpRequest request) =>
        HttpAuth.TryGetBearer(request, out var token) && tokens.IsValid(token);

    public override Reply Unauthorized(HttpRequest request) =>
        Reply.Json(
            StatusCodes.Status401Unauthorized,
            """{"status":"error","message":"Unauthorized: missing, invalid or expired token."}""",
            Header("WWW-Authenticate", "Bearer"));

    public override ListShape Shape(HttpContext context, SandboxRoute route) =>
        new(ListPrefix, invoices.Current.List is { Count: > 0 } list ? list.Entry(0) : ReadOnlyMemory<byte>.Empty, ListSuffix);

    /// <summary>The main consent's invoices (<c>null</c> or <c>1</c>), or those of consent <c>c1</c>, <c>c2</c>, ...</summary>
    public override MutableEntries? Data(string? list) =>
        list is null || string.Equals(list, SandboxCredentials.GoScoreConsentId, StringComparison.Ordinal) ? invoices
        : ConsentNumber(list) is { } number ? Consent(number)
        : null;

    private MutableEntries Consent(int number) =>
        consents.GetOrAdd(number, n => new MutableEntries(GenerateConsent(options, n), "id"));

    public override void Map(IEndpointRouteBuilder group, SandboxRoute route, SandboxRuntime runtime)
    {
        MapToken(group, $"{Root}/auth", runtime, context => Task.FromResult(Authenticate(context.Request)));
        MapData(group, $"{Root}/invoices/{{consentId}}", EndpointKind.List, route, runtime, List);
    }

    private Reply Authenticate(HttpRequest request)
    {
        if (!HttpAuth.Same(request.Headers["Client-ID"], SandboxCredentials.GoScoreClientId)
            || !HttpAuth.Same(request.Headers["Secret-Key"], SandboxCredentials.GoScoreSecretKey))
        {
            return Reply.Json(StatusCodes.Status401Unauthorized, """{"status":"error","message":"Invalid Client-ID or Secret-Key."}""");
        }

        var (token, expiresAt) = tokens.Issue(Jwt);
        return Reply.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("token", token);
            writer.WriteString("expire_at", expiresAt.UtcDateTime.ToString("MM-dd-yyyy HH:mm", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        });
    }

    /// <summary>A JWT-shaped token, as GoScore hands out (the signature is random, nobody verifies it).</summary>
    private static string Jwt(string random, DateTimeOffset expiresAt)
    {
        var payload = Encoding.UTF8.GetBytes(
            $$"""{"sub":"{{SandboxCredentials.GoScoreClientId}}","exp":{{expiresAt.ToUnixTimeSeconds().Format()}},"jti":"{{random}}"}""");
        return $"{Base64Url.EncodeToString(JwtHeader)}.{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(Convert.FromHexString(random))}";
    }

    /// <summary>The number of a consent id <c>c1</c> .. <c>c999999</c>; <c>null</c> for any other id.</summary>
    private static int? ConsentNumber(string? consent) =>
        consent is { Length: >= 2 and <= 7 } && consent[0] == 'c' && consent[1] != '0'
        && int.TryParse(consent.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    private Reply List(HttpContext context, bool breakOne)
    {
        var request = context.Request;
        var consent = (string?)request.RouteValues["consentId"];
        var invoices = consent is null ? null : Data(consent)?.Current.List;
        if (invoices is null)
        {
            return Reply.Json(StatusCodes.Status404NotFound, """{"status":"error","message":"Consent not found."}""");
        }

        var page = QueryInt(request, "page", 1, int.MaxValue);
        var perPage = QueryInt(request, "per_page", DefaultPerPage, MaxPerPage);
        if (page is null || perPage is null)
        {
            return Reply.Json(
                StatusCodes.Status400BadRequest,
                $$"""{"status":"error","message":"page must be a positive integer and per_page between 1 and {{MaxPerPage.Format()}}."}""");
        }

        var (start, end) = Slice(invoices.Count, page.Value, perPage.Value);
        var suffix = page == 1 && end > start ? FirstPageSuffix : ListSuffix;
        return new Reply(StatusCodes.Status200OK, Page(ListPrefix, invoices, start, end, suffix, breakOne));
    }
}
