using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>
/// Reads a mapping file, checks every key against the format (README.md, mapping.schema.json) and compiles
/// it. Every problem is collected, each as <c>mapping 'file': $.json.path: what is wrong</c>; the mapping
/// is only returned when there is none.
/// </summary>
internal sealed partial class MappingLoader
{
    /// <summary>The auth types the gateway applies.</summary>
    public static readonly IReadOnlyList<string> AuthTypes = ["none", "basic", "bearer", "apikey", "goscore", "oauth2", "token"];

    /// <summary>The placeholders a token exchange may use; the gateway fills them from the source's Auth settings.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["{ClientId}", "{ClientSecret}", "{SecretKey}", "{Username}", "{Password}"];

    internal static readonly string[] RootKeys = ["$schema", "name", "description", "defaults", "auth", "list", "detail", "fields"];
    private static readonly string[] DefaultsKeys = ["currency", "direction"];
    private static readonly string[] AuthKeys = ["type", "headerName", "tokenUrl", "tokenExchange"];
    private static readonly string[] ExchangeKeys =
        ["method", "path", "bodyFormat", "headers", "body", "tokenPath", "expiryPath", "expiryUnit", "expiryFormat"];
    private static readonly string[] ListKeys = ["path", "query", "items", "summaries", "summaryLacks", "paging"];
    internal static readonly string[] PagingKinds = ["none", "page", "linkHeader", "nextUrl", "cursor"];
    private static readonly string[] PagingKeys =
    [
        "kind", "pageParam", "startPage", "sizeParam", "pageSize", "stop", "totalPath", "totalCounts", "nextPath",
        "cursorPath", "cursorParam", "hasMorePath",
    ];
    private static readonly string[] DetailKeys = ["path", "envelope", "notFound"];
    private static readonly string[] ValueKeys = ["path", "convert", "formats", "map", "default", "value", "of", "scale", "separator"];
    private static readonly string[] StatusKeys = ["path", "paidWhen", "map", "open", "overdueFromDueDate", "absent", "partialPayments"];
    private static readonly string[] ConditionKeys = ["path", "convert", "equals"];
    private static readonly string[] LinesKeys = ["path", "fields"];
    private static readonly string[] AllocationsKeys = ["path", "fields", "taxBreakdown"];
    private static readonly string[] AccountKeys = ["iban", "bic"];
    internal static readonly string[] StatusNames = ["draft", "open", "partiallyPaid", "paid", "cancelled", "unknown"];

    private static readonly FrozenDictionary<string, string[]> KeysByPagingKind = new Dictionary<string, string[]>
    {
        ["none"] = ["kind"],
        ["page"] = ["kind", "pageParam", "startPage", "sizeParam", "pageSize", "stop", "totalPath", "totalCounts"],
        ["linkHeader"] = ["kind", "pageParam", "startPage", "sizeParam", "pageSize"],
        ["nextUrl"] = ["kind", "nextPath", "sizeParam", "pageSize"],
        ["cursor"] = ["kind", "cursorPath", "cursorParam", "hasMorePath", "sizeParam", "pageSize"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string[]> KeysByConverter = new Dictionary<string, string[]>
    {
        ["string"] = ["path", "convert"],
        ["int"] = ["path", "convert"],
        ["decimal"] = ["path", "convert", "scale"],
        ["date"] = ["path", "convert", "formats"],
        ["dateTime"] = ["path", "convert", "formats"],
        ["boolean"] = ["path", "convert"],
        ["countryCode"] = ["path", "convert"],
        ["valueMap"] = ["path", "convert", "map", "default"],
        ["constant"] = ["convert", "value"],
        ["sum"] = ["path", "convert", "scale"],
        ["multiply"] = ["convert", "of", "scale"],
        ["join"] = ["convert", "of", "separator"],
        ["ordinal"] = ["convert"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    private readonly string _label;
    private readonly List<string> _problems = [];

    // The scope whose plan the paths being compiled join (the invoice's fields, one line's, one allocation's); null
    // outside 'fields' (request paths are read once per page, not planned).
    private PathPlan? _plan;

    private MappingLoader(string label) => _label = label;

    /// <summary>Loads a mapping from its bytes; returns the compiled mapping, or null and every problem.</summary>
    public static (CompiledMapping? Mapping, IReadOnlyList<string> Problems) Load(string label, ReadOnlyMemory<byte> utf8Json)
    {
        var loader = new MappingLoader(label);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            loader.Problem("$", $"is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1})");
            return (null, loader._problems);
        }

        using (document)
        {
            var mapping = loader.Root(document.RootElement);
            return loader._problems.Count == 0 ? (mapping, []) : (null, loader._problems);
        }
    }

    /// <summary>A problem that is not about a position in the file (it is missing, unreadable).</summary>
    public static string FileProblem(string label, string message) => $"mapping '{label}': {message}";

    private void Problem(string at, string message) => _problems.Add($"mapping '{_label}': {at}: {message}");

    private CompiledMapping? Root(JsonElement root)
    {
        var props = Object(root, "$", RootKeys);
        if (props is null)
        {
            return null;
        }

        var name = OptionalString(props, "name", "$");
        OptionalString(props, "$schema", "$");
        OptionalString(props, "description", "$");
        var (currency, direction) = props.TryGetValue("defaults", out var defaults) ? Defaults(defaults, "$.defaults") : (null, null);
        var auth = props.TryGetValue("auth", out var authNode) ? Auth(authNode, "$.auth") : new AuthDefaults { Type = "none" };
        ListRequest? list = null;
        if (props.TryGetValue("list", out var listNode))
        {
            list = ListSection(listNode, "$.list", props.ContainsKey("detail"));
        }
        else
        {
            Problem("$", "'list' is required: the request that lists the invoices");
        }

        var detail = props.TryGetValue("detail", out var detailNode) ? Detail(detailNode, "$.detail") : null;

        InvoiceNormalizer? normalizer = null;
        if (props.TryGetValue("fields", out var fields))
        {
            normalizer = Fields(fields, "$.fields");
        }
        else
        {
            Problem("$", "'fields' is required: where each canonical field comes from");
        }

        if (list is null || normalizer is null || auth is null || _problems.Count > 0)
        {
            return null;
        }

        return new CompiledMapping
        {
            Label = _label,
            Name = name,
            DefaultCurrency = currency,
            DefaultDirection = direction,
            Auth = auth,
            List = list,
            Detail = detail,
            Normalizer = normalizer,
        };
    }

    private PathChoice? Choice(JsonElement node, string at, bool allowProjection, string? displayPrefix)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            var paths = PathList(node, at, allowProjection, displayPrefix);
            if (paths is null)
            {
                return null;
            }

            if (paths.Count == 0)
            {
                Problem(at, "is an empty array; at least one path was expected");
                return null;
            }

            return new PathChoice([.. paths]);
        }

        return SinglePath(node, at, allowProjection, displayPrefix) is { } path ? new PathChoice([path]) : null;
    }

    private List<PayloadPath>? PathList(JsonElement node, string at, bool allowProjection, string? displayPrefix = null)
    {
        if (!IsKind(node, at, JsonValueKind.Array, "an array of paths"))
        {
            return null;
        }

        var paths = new List<PayloadPath>();
        var index = 0;
        foreach (var item in node.EnumerateArray())
        {
            if (SinglePath(item, $"{at}[{index++}]", allowProjection, displayPrefix) is { } path)
            {
                paths.Add(path);
            }
        }

        return paths.Count == node.GetArrayLength() ? paths : null;
    }

    private PayloadPath? SinglePath(JsonElement node, string at, bool allowProjection, string? displayPrefix = null)
    {
        if (node.ValueKind != JsonValueKind.String)
        {
            Problem(at, $"is {Show(node)}; a path such as 'customer.name' was expected");
            return null;
        }

        var text = node.GetString()!;
        if (!PayloadPath.TryParse(text, out var path, out var error, displayPrefix))
        {
            Problem(at, error);
            return null;
        }

        if (path.Projects && !allowProjection)
        {
            Problem(at, $"'{text}' reaches many values through '[]'; only the converter 'sum' reads an array projection");
            return null;
        }

        _plan?.Register(path);
        return path;
    }

    private void CheckDottedPath(string text, string at)
    {
        if (!PayloadPath.TryParse(text, out var path, out var error))
        {
            Problem(at, error);
        }
        else if (path.IsRoot || path.HasBrackets)
        {
            Problem(at, $"'{text}' must be a dotted path of property names such as 'data.access_token'");
        }
    }

    private void CheckRequestPath(string path, string at, bool allowAbsolute)
    {
        if (path.Contains("://", StringComparison.Ordinal))
        {
            if (!allowAbsolute || !Uri.TryCreate(path, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                Problem(at, allowAbsolute
                    ? $"'{path}' is not an absolute http(s) URL"
                    : $"'{path}' must be relative to the source's BaseUrl (no scheme or host)");
            }

            return;
        }

        if (path.StartsWith('/'))
        {
            Problem(at, $"'{path}' must not start with '/': paths are relative to the source's BaseUrl");
        }
        else if (path.Length == 0 || path.Any(char.IsWhiteSpace) || !Uri.TryCreate(path, UriKind.Relative, out _))
        {
            Problem(at, $"'{path}' is not a relative URL path");
        }
    }

    private Dictionary<string, JsonElement>? Object(JsonElement node, string at, IReadOnlyCollection<string> allowed)
    {
        if (!IsKind(node, at, JsonValueKind.Object, "an object"))
        {
            return null;
        }

        var props = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in node.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                Problem($"{at}.{property.Name}", $"unknown key '{property.Name}'; expected one of {Names(allowed)}");
            }
            else if (!props.TryAdd(property.Name, property.Value))
            {
                Problem($"{at}.{property.Name}", $"the key '{property.Name}' appears twice");
            }
        }

        return props;
    }

    private void CheckDuplicates(JsonElement node, string at, bool ignoreCase = false)
    {
        var seen = new HashSet<string>(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (var property in node.EnumerateObject())
        {
            var key = ignoreCase ? property.Name.Trim() : property.Name;
            if (!seen.Add(key))
            {
                Problem($"{at}.{property.Name}", ignoreCase
                    ? $"the key '{property.Name}' appears twice (keys are compared ignoring case)"
                    : $"the key '{property.Name}' appears twice");
            }
        }
    }

    private bool IsKind(JsonElement node, string at, JsonValueKind kind, string expected)
    {
        if (node.ValueKind == kind)
        {
            return true;
        }

        Problem(at, $"is {Show(node)}; {expected} was expected");
        return false;
    }

    private string? RequiredString(Dictionary<string, JsonElement> props, string key, string at, string what) =>
        props.ContainsKey(key) ? OptionalString(props, key, at) : MissingKey<string>(at, key, what);

    private T? MissingKey<T>(string at, string key, string what)
        where T : class
    {
        Problem(at, $"'{key}' is required: {what}");
        return null;
    }

    private string? OptionalString(Dictionary<string, JsonElement> props, string key, string at)
    {
        if (!props.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(node.GetString()))
        {
            Problem($"{at}.{key}", $"is {Show(node)}; a non-empty string was expected");
            return null;
        }

        return node.GetString();
    }

    private string? QueryName(Dictionary<string, JsonElement> props, string key, string at)
    {
        var name = OptionalString(props, key, at);
        if (name is not null && !QueryToken().IsMatch(name))
        {
            Problem($"{at}.{key}", $"'{name}' is not a query parameter name (letters, digits, '_', '-', '.', '[', ']')");
            return null;
        }

        return name;
    }

    private bool? OptionalBool(Dictionary<string, JsonElement> props, string key, string at)
    {
        if (!props.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return node.ValueKind == JsonValueKind.True;
        }

        Problem($"{at}.{key}", $"is {Show(node)}; true or false was expected");
        return null;
    }

    private int? OptionalInt(Dictionary<string, JsonElement> props, string key, string at, int min, int max)
    {
        if (!props.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node.ValueKind == JsonValueKind.Number && node.TryGetInt32(out var value) && value >= min && value <= max)
        {
            return value;
        }

        Problem($"{at}.{key}", $"is {Show(node)}; a whole number from {min} to {max} was expected");
        return null;
    }

    private Dictionary<string, string> StringMap(Dictionary<string, JsonElement> props, string key, string at, bool checkPlaceholders)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!props.TryGetValue(key, out var node) || !IsKind(node, $"{at}.{key}", JsonValueKind.Object, "an object of strings"))
        {
            return result;
        }

        CheckDuplicates(node, $"{at}.{key}");
        foreach (var property in node.EnumerateObject())
        {
            var itemAt = $"{at}.{key}.{property.Name}";
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                Problem(itemAt, $"is {Show(property.Value)}; a string was expected");
                continue;
            }

            var value = property.Value.GetString()!;
            if (checkPlaceholders)
            {
                foreach (Match match in PlaceholderPattern().Matches(value))
                {
                    if (!Placeholders.Contains(match.Value, StringComparer.Ordinal))
                    {
                        Problem(itemAt, $"'{match.Value}' is not a placeholder; expected one of {Names(Placeholders)}");
                    }
                }
            }

            result[property.Name] = value;
        }

        return result;
    }

    private static PayloadPath WholeValue() => PayloadPath.TryParse("$", out var root, out _) ? root : throw new InvalidOperationException();

    private static IEnumerable<string> TopLevelNames() =>
        CanonicalFields.Invoice.Keys.Where(k => !k.Contains('.', StringComparison.Ordinal))
            .Concat(CanonicalFields.InvoiceGroups.Where(k => !k.Contains('.', StringComparison.Ordinal)))
            .Append(CanonicalFields.Status)
            .Append(CanonicalFields.Lines)
            .Append(CanonicalFields.Allocations)
            .Order(StringComparer.Ordinal);

    private static FrozenDictionary<string, T> Typed<T>(Dictionary<string, object?> map) =>
        map.ToFrozenDictionary(p => p.Key, p => (T)p.Value!, StringComparer.OrdinalIgnoreCase);

    private static InvoiceDirection? ParseDirection(string text) => text switch
    {
        "payable" => InvoiceDirection.Payable,
        "receivable" => InvoiceDirection.Receivable,
        _ => null,
    };

    private static string Describe(JsonElement node) => node.ValueKind switch
    {
        JsonValueKind.String => node.GetString()!,
        JsonValueKind.Object when node.TryGetProperty("path", out var path) => path.ValueKind == JsonValueKind.String
            ? path.GetString()!
            : path.GetRawText(),
        _ => node.GetRawText(),
    };

    private static string Show(JsonElement node) => node.ValueKind switch
    {
        JsonValueKind.String => $"the string '{Clip(node.GetString()!)}'",
        JsonValueKind.Number => $"the number {Clip(node.GetRawText())}",
        JsonValueKind.Undefined => "missing",
        _ => UpstreamJson.Describe(node.ValueKind),
    };

    private static string Clip(string text) => text.Length > 60 ? string.Concat(text.AsSpan(0, 60), "…") : text;

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    [GeneratedRegex("^[A-Za-z]{3}$")]
    private static partial Regex CurrencyCode();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex HeaderToken();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-\[\]]+$")]
    private static partial Regex QueryToken();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex PlaceholderPattern();
}
