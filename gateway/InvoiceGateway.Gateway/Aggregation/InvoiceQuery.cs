using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InvoiceGateway.Contracts;
using Microsoft.Extensions.Primitives;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>The parsed and validated query of <c>GET /v1/invoices</c>.</summary>
internal sealed record InvoiceQuery
{
    public const int MaxLimit = 500;
    private const int MaxTextLength = 200;

    private static readonly string UnfilteredFingerprint = Digest(QueryCollection.Empty);

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "source", "status", "overdue", "kind", "direction", "currency", "dueFrom", "dueTo", "issuedFrom", "issuedTo",
        "minGross", "maxGross", "q", "sort", "limit", "cursor", "include", "changedSince",
    };

    public IReadOnlySet<string>? Sources { get; init; }

    public IReadOnlySet<InvoiceStatus>? Statuses { get; init; }

    /// <summary><c>overdue=true|false</c>: past the due date and not settled on <see cref="Today"/>.</summary>
    public bool? Overdue { get; init; }

    /// <summary>The day (in the gateway's time zone) overdue is decided for, fixed once per request.</summary>
    public DateOnly Today { get; init; }

    public IReadOnlySet<InvoiceKind>? Kinds { get; init; }

    public IReadOnlySet<InvoiceDirection>? Directions { get; init; }

    public IReadOnlySet<string>? Currencies { get; init; }

    public DateOnly? DueFrom { get; init; }

    /// <summary><c>changedSince</c>: only invoices whose content the gateway first saw at or after this instant (<c>changedAt</c>).</summary>
    public DateTimeOffset? ChangedSince { get; init; }

    public DateOnly? DueTo { get; init; }

    public DateOnly? IssuedFrom { get; init; }

    public DateOnly? IssuedTo { get; init; }

    public decimal? MinGross { get; init; }

    public decimal? MaxGross { get; init; }

    public string? Text { get; init; }

    public InvoiceOrder Order { get; init; } = InvoiceOrder.Default;

    public int Limit { get; init; } = 50;

    public InvoiceCursor? After { get; init; }

    public bool IncludeRaw { get; init; }

    /// <summary>A digest of everything that selects and orders invoices (not limit or cursor): a cursor is valid only for the query it came from.</summary>
    public string Fingerprint { get; init; } = string.Empty;

    public bool Matches(in InvoiceFacts invoice)
    {
        if (Statuses is not null && !Statuses.Contains(invoice.Status))
        {
            return false;
        }

        if (Overdue is { } overdue && invoice.DaysOverdueOn(Today).HasValue != overdue)
        {
            return false;
        }

        if (Kinds is not null && !Kinds.Contains(invoice.Kind))
        {
            return false;
        }

        if (Directions is not null && !Directions.Contains(invoice.Direction))
        {
            return false;
        }

        if (Currencies is not null && (invoice.Currency is not { } currency || !Currencies.Contains(currency)))
        {
            return false;
        }

        if (!InRange(invoice.DueDate, DueFrom, DueTo) || !InRange(invoice.IssueDate, IssuedFrom, IssuedTo))
        {
            return false;
        }

        if (ChangedSince is { } since && (invoice.ChangedAt is not { } changed || changed < since))
        {
            return false;
        }

        if (MinGross is not null || MaxGross is not null)
        {
            if (invoice.Gross is not { } gross || gross < MinGross || gross > MaxGross)
            {
                return false;
            }
        }

        return Text is null
               || Contains(invoice.Number) || Contains(invoice.IssuerName)
               || Contains(invoice.RecipientName) || Contains(invoice.PaymentReference);
    }

    private bool Contains(string? value) => value is not null && value.Contains(Text!, StringComparison.OrdinalIgnoreCase);

    private static bool InRange(DateOnly? value, DateOnly? from, DateOnly? to)
    {
        if (from is null && to is null)
        {
            return true;
        }

        return value is { } v && (from is null || v >= from) && (to is null || v <= to);
    }

    /// <summary>Parses a query string; every problem is reported per parameter, none throws.</summary>
    public static InvoiceQuery Parse(IQueryCollection query, int defaultLimit, DateOnly today, Dictionary<string, string[]> errors)
    {
        foreach (var key in query.Keys)
        {
            if (!Known.Contains(key))
            {
                Add(errors, key, $"'{Clip(key)}' is not a parameter of this endpoint (known: {string.Join(", ", Known)}).");
            }
        }

        var parsed = new InvoiceQuery
        {
            Sources = List(query, "source", errors, v => GatewayNames.IsSourceName(v) ? v : null, "a source name"),
            Statuses = StatusParam(query, errors),
            Overdue = BoolParam(query, "overdue", errors),
            Today = today,
            Kinds = EnumList<InvoiceKind>(query, "kind", errors),
            Directions = EnumList<InvoiceDirection>(query, "direction", errors),
            Currencies = List(query, "currency", errors,
                v => v.Length == 3 && v.All(char.IsAsciiLetter) ? v.ToUpperInvariant() : null, "a three-letter ISO 4217 code"),
            DueFrom = Date(query, "dueFrom", errors),
            ChangedSince = Instant(query, "changedSince", errors),
            DueTo = Date(query, "dueTo", errors),
            IssuedFrom = Date(query, "issuedFrom", errors),
            IssuedTo = Date(query, "issuedTo", errors),
            MinGross = Amount(query, "minGross", errors),
            MaxGross = Amount(query, "maxGross", errors),
            Text = TextParam(query, errors),
            Order = SortParam(query, errors),
            Limit = LimitParam(query, defaultLimit, errors),
            IncludeRaw = IncludeParam(query, errors),
        };

        if (parsed.DueFrom > parsed.DueTo)
        {
            Add(errors, "dueFrom", "dueFrom must not be after dueTo.");
        }

        if (parsed.IssuedFrom > parsed.IssuedTo)
        {
            Add(errors, "issuedFrom", "issuedFrom must not be after issuedTo.");
        }

        if (parsed.MinGross > parsed.MaxGross)
        {
            Add(errors, "minGross", "minGross must not be greater than maxGross.");
        }

        parsed = parsed with { Fingerprint = FingerprintOf(query) };
        if (Single(query, "cursor", errors) is { } cursorText)
        {
            var cursor = InvoiceCursor.TryParse(cursorText);
            if (cursor is null)
            {
                Add(errors, "cursor", "The cursor is not one this gateway issued; use the 'next' value of a previous page.");
            }
            else if (cursor.Fingerprint != parsed.Fingerprint || cursor.Sort != parsed.Order.Name)
            {
                Add(errors, "cursor", "The cursor belongs to a query with other filters or another sort; repeat the original query's parameters with it.");
            }
            else
            {
                parsed = parsed with { After = cursor };
            }
        }

        return parsed;
    }

    private static string FingerprintOf(IQueryCollection query)
    {
        // The most asked list (no filter, only limit and cursor) need not hash the empty text on every request.
        if (query.Keys.All(k => k is "cursor" or "limit" or "include"))
        {
            return UnfilteredFingerprint;
        }

        return Digest(query);
    }

    private static string Digest(IQueryCollection query)
    {
        var text = new StringBuilder();
        foreach (var key in query.Keys.Where(k => k is not ("cursor" or "limit" or "include")).Order(StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(string.Join(",", query[key].Order(StringComparer.Ordinal))).Append('&');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))[..8]);
    }

    private static HashSet<T>? List<T>(IQueryCollection query, string name, Dictionary<string, string[]> errors, Func<string, T?> parse, string expected)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }

        var set = new HashSet<T>();
        foreach (var item in Items(values))
        {
            if (parse(item) is { } value)
            {
                set.Add(value);
            }
            else
            {
                Add(errors, name, $"'{Clip(item)}' is not {expected}.");
            }
        }

        if (set.Count == 0 && !errors.ContainsKey(name))
        {
            Add(errors, name, $"{name} must not be empty.");
        }

        return set;
    }

    private static HashSet<T>? EnumList<T>(IQueryCollection query, string name, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        if (!query.ContainsKey(name))
        {
            return null; // and no list of names to build for an error message, on every request
        }

        var parsed = List(query, name, errors, v => ParseEnum<T>(v) is { } value ? (object)value : null, "one of " + EnumNames<T>());
        return parsed?.Select(v => (T)v).ToHashSet();
    }

    private static HashSet<InvoiceStatus>? StatusParam(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        // "overdue" was a status once; it is now a flag beside the payment state, and the error says where it went.
        if (query.TryGetValue("status", out var values)
            && Items(values).Any(v => string.Equals(v, "overdue", StringComparison.OrdinalIgnoreCase)))
        {
            Add(errors, "status", "'overdue' is not a payment status: being past the due date is a separate flag. Use overdue=true (with status=open,partiallyPaid if wanted).");
            return null;
        }

        return EnumList<InvoiceStatus>(query, "status", errors);
    }

    private static bool? BoolParam(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        if (Single(query, name, errors) is not { } text)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Add(errors, name, $"{name} must be true or false, not '{Clip(text)}'.");
        return null;
    }

    private static IEnumerable<string> Items(StringValues values) =>
        values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    internal static string? Single(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }

        if (values.Count > 1)
        {
            Add(errors, name, $"{name} may be given only once.");
            return null;
        }

        var value = values[0]?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            Add(errors, name, $"{name} must not be empty.");
            return null;
        }

        return value;
    }

    private static DateOnly? Date(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        if (Single(query, name, errors) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        Add(errors, name, $"'{Clip(text)}' is not a date of the form yyyy-MM-dd.");
        return null;
    }

    private static DateTimeOffset? Instant(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        if (Single(query, name, errors) is not { } text)
        {
            return null;
        }

        // RFC 3339 with a zone (Z or an offset): a time without one would mean different instants on different replicas.
        if (text.Length <= 40 && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > 10)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant;
        }

        Add(errors, name, $"'{Clip(text)}' is not an RFC 3339 date-time with a zone, such as 2026-03-01T12:00:00Z.");
        return null;
    }

    private static decimal? Amount(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        if (Single(query, name, errors) is not { } text)
        {
            return null;
        }

        if (text.Length <= 40 && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return amount;
        }

        Add(errors, name, $"'{Clip(text)}' is not a decimal number such as 100 or 99.50.");
        return null;
    }

    private static string? TextParam(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        if (Single(query, "q", errors) is not { } text)
        {
            return null;
        }

        if (text.Length > MaxTextLength)
        {
            Add(errors, "q", $"q must be at most {MaxTextLength} characters long.");
            return null;
        }

        return text;
    }

    private static InvoiceOrder SortParam(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        if (Single(query, "sort", errors) is not { } text)
        {
            return InvoiceOrder.Default;
        }

        if (InvoiceOrder.Parse(text) is { } order)
        {
            return order;
        }

        Add(errors, "sort", $"'{Clip(text)}' is not a sort order (one of {string.Join(", ", InvoiceOrder.Names)}).");
        return InvoiceOrder.Default;
    }

    private static int LimitParam(IQueryCollection query, int defaultLimit, Dictionary<string, string[]> errors)
    {
        if (Single(query, "limit", errors) is not { } text)
        {
            return defaultLimit;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
        {
            return limit;
        }

        Add(errors, "limit", $"limit must be a whole number from 1 to {MaxLimit}, not '{Clip(text)}'.");
        return defaultLimit;
    }

    private static bool IncludeParam(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        if (!query.TryGetValue("include", out var values))
        {
            return false;
        }

        var raw = false;
        foreach (var item in Items(values))
        {
            if (item == "raw")
            {
                raw = true;
            }
            else
            {
                Add(errors, "include", $"'{Clip(item)}' cannot be included (only 'raw').");
            }
        }

        return raw;
    }

    private static T? ParseEnum<T>(string value)
        where T : struct, Enum =>
        Enum.GetValues<T>().Cast<T?>().FirstOrDefault(v => string.Equals(JsonName(v!.Value), value, StringComparison.OrdinalIgnoreCase));

    private static string EnumNames<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => JsonName(v)));

    internal static string JsonName<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    internal static void Add(Dictionary<string, string[]> errors, string name, string message) =>
        errors[name] = errors.TryGetValue(name, out var existing) ? [.. existing, message] : [message];

    internal static string Clip(string value) => value.Length > 64 ? value[..64] + "…" : value;
}

internal static class GatewayNames
{
    public static bool IsSourceName(string name) => Configuration.GatewaySettingsReader.IsSourceName(name);
}
