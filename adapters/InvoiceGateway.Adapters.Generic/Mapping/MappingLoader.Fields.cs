using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Mapping;

/// <summary>The <c>fields</c> section: canonical fields, converters, status rules and lines.</summary>
internal sealed partial class MappingLoader
{
    private InvoiceNormalizer? Fields(JsonElement node, string at)
    {
        if (!IsKind(node, at, JsonValueKind.Object, "an object of canonical fields"))
        {
            return null;
        }

        var bindings = new List<IBinding<InvoiceDraft>>();
        StatusRule? status = null;
        object? sourceId = null;
        string? sourceIdPath = null;
        var plan = _plan = new PathPlan();
        CheckDuplicates(node, at);
        foreach (var property in node.EnumerateObject())
        {
            var key = property.Name;
            var keyAt = $"{at}.{key}";
            if (key == CanonicalFields.Status)
            {
                status = Status(property.Value, keyAt);
            }
            else if (key == CanonicalFields.Lines)
            {
                if (Lines(property.Value, keyAt) is { } lines)
                {
                    bindings.Add(lines);
                }
            }
            else if (key == CanonicalFields.Allocations)
            {
                if (Allocations(property.Value, keyAt) is { } allocations)
                {
                    bindings.Add(allocations);
                }
            }
            else if (CanonicalFields.Invoice.TryGetValue(key, out var target))
            {
                if (Value(property.Value, keyAt, target, null) is { } reader)
                {
                    bindings.Add(target.Bind(reader));
                    if (key == "sourceId")
                    {
                        sourceId = reader;
                        sourceIdPath = Describe(property.Value);
                    }
                }
            }
            else if (CanonicalFields.InvoiceGroups.Contains(key))
            {
                Group(property.Value, keyAt, key, bindings);
            }
            else
            {
                Problem(keyAt, $"'{key}' is not a field of the canonical invoice; expected one of " +
                               Names(TopLevelNames()));
            }
        }

        _plan = null;
        if (!node.TryGetProperty("sourceId", out _))
        {
            Problem(at, "'sourceId' is required: the path of the upstream's invoice id");
        }

        return sourceId is ValueReader<string?> idReader
            ? new InvoiceNormalizer([.. bindings], idReader, sourceIdPath ?? "sourceId", status, plan)
            : null;
    }

    private void Group(JsonElement node, string at, string prefix, List<IBinding<InvoiceDraft>> bindings)
    {
        if (!IsKind(node, at, JsonValueKind.Object, $"an object of the fields of '{prefix}'"))
        {
            return;
        }

        CheckDuplicates(node, at);
        foreach (var property in node.EnumerateObject())
        {
            var name = $"{prefix}.{property.Name}";
            var keyAt = $"{at}.{property.Name}";
            if (name == CanonicalFields.PaymentAccounts)
            {
                if (node.TryGetProperty("iban", out _) || node.TryGetProperty("bic", out _))
                {
                    Problem(keyAt, "'accounts' replaces 'iban' and 'bic' (each account gives both); remove those two");
                }
                else if (Accounts(property.Value, keyAt) is { } accounts)
                {
                    bindings.Add(accounts);
                }
            }
            else if (CanonicalFields.Invoice.TryGetValue(name, out var target))
            {
                if (Value(property.Value, keyAt, target, null) is { } reader)
                {
                    bindings.Add(target.Bind(reader));
                }
            }
            else if (CanonicalFields.InvoiceGroups.Contains(name))
            {
                Group(property.Value, keyAt, name, bindings);
            }
            else
            {
                var children = CanonicalFields.Invoice.Keys.Concat(CanonicalFields.InvoiceGroups).Append(CanonicalFields.PaymentAccounts)
                    .Where(k => k.StartsWith(prefix + ".", StringComparison.Ordinal) && k.IndexOf('.', prefix.Length + 1) < 0)
                    .Select(k => k[(prefix.Length + 1)..])
                    .Order(StringComparer.Ordinal);
                Problem(keyAt, $"'{property.Name}' is not a field of '{prefix}'; expected one of {Names(children)}");
            }
        }
    }

    private LinesBinding? Lines(JsonElement node, string at)
    {
        var props = Object(node, at, LinesKeys);
        if (props is null)
        {
            return null;
        }

        var path = props.TryGetValue("path", out var pathNode)
            ? SinglePath(pathNode, $"{at}.path", allowProjection: false)
            : MissingKey<PayloadPath>(at, "path", "the path of the array of lines");
        if (!props.TryGetValue("fields", out var fields))
        {
            Problem(at, "'fields' is required: where each line field comes from, relative to one line");
            return null;
        }

        if (!IsKind(fields, $"{at}.fields", JsonValueKind.Object, "an object of line fields"))
        {
            return null;
        }

        CheckDuplicates(fields, $"{at}.fields");
        var prefix = path is null ? "lines[]" : $"{(path.IsRoot ? "$" : path.Text)}[]";
        var (bindings, ordinal, plan) = ItemFields(fields, $"{at}.fields", prefix, CanonicalFields.Line, "a canonical line");
        return path is null ? null : new LinesBinding(path, [.. bindings], ordinal, fields.TryGetProperty("currency", out _), plan);
    }

    private AllocationsBinding? Allocations(JsonElement node, string at)
    {
        var props = Object(node, at, AllocationsKeys);
        if (props is null)
        {
            return null;
        }

        var path = props.TryGetValue("path", out var pathNode)
            ? SinglePath(pathNode, $"{at}.path", allowProjection: false)
            : MissingKey<PayloadPath>(at, "path", "the path of the array of allocations (accounting splits)");
        var breakdown = TaxBreakdown.None;
        switch (OptionalString(props, "taxBreakdown", at))
        {
            case null:
                break;
            case "gross":
                breakdown = TaxBreakdown.Gross;
                break;
            case "net":
                breakdown = TaxBreakdown.Net;
                break;
            case var other:
                Problem($"{at}.taxBreakdown", $"'{other}' is not a tax breakdown; expected 'gross' (the amounts include tax) or 'net'");
                break;
        }

        if (!props.TryGetValue("fields", out var fields))
        {
            Problem(at, "'fields' is required: where each allocation field comes from, relative to one allocation");
            return null;
        }

        if (!IsKind(fields, $"{at}.fields", JsonValueKind.Object, "an object of allocation fields"))
        {
            return null;
        }

        if (breakdown != TaxBreakdown.None && !(fields.TryGetProperty("amount", out _) && fields.TryGetProperty("taxRate", out _)))
        {
            Problem($"{at}.taxBreakdown", "needs the allocation fields 'amount' and 'taxRate': the tax is computed from them");
        }

        var prefix = path is null ? "allocations[]" : $"{(path.IsRoot ? "$" : path.Text)}[]";
        var (bindings, _, plan) = ItemFields(fields, $"{at}.fields", prefix, CanonicalFields.Allocation, "an allocation");
        return path is null ? null : new AllocationsBinding(path, [.. bindings], breakdown, plan);
    }

    /// <summary>
    /// The fields of one element of an array (a line, an allocation), with the plan of their paths (relative to one
    /// element); <c>ordinal</c> positions are reported, not bound.
    /// </summary>
    private (List<IBinding<TDraft>> Bindings, bool Ordinal, PathPlan Plan) ItemFields<TDraft>(
        JsonElement fields, string at, string prefix, FrozenDictionary<string, FieldTarget<TDraft>> targets, string what)
    {
        var outer = _plan;
        var plan = _plan = new PathPlan();
        try
        {
            var (bindings, ordinal) = ItemBindings(fields, at, prefix, targets, what);
            return (bindings, ordinal, plan);
        }
        finally
        {
            _plan = outer;
        }
    }

    private (List<IBinding<TDraft>> Bindings, bool Ordinal) ItemBindings<TDraft>(
        JsonElement fields, string at, string prefix, FrozenDictionary<string, FieldTarget<TDraft>> targets, string what)
    {
        CheckDuplicates(fields, at);
        var bindings = new List<IBinding<TDraft>>();
        var ordinal = false;
        foreach (var property in fields.EnumerateObject())
        {
            var keyAt = $"{at}.{property.Name}";
            if (targets.TryGetValue(property.Name, out var target))
            {
                var reader = Value(property.Value, keyAt, target, prefix);
                if (reader is OrdinalReader)
                {
                    ordinal = true;
                }
                else if (reader is not null)
                {
                    bindings.Add(target.Bind(reader));
                }
            }
            else
            {
                Problem(keyAt, $"'{property.Name}' is not a field of {what}; expected one of {Names(targets.Keys.Order(StringComparer.Ordinal))}");
            }
        }

        return (bindings, ordinal);
    }

    private AccountsBinding? Accounts(JsonElement node, string at)
    {
        if (!IsKind(node, at, JsonValueKind.Array, "an array of accounts, each { \"iban\": path, \"bic\": path }"))
        {
            return null;
        }

        if (node.GetArrayLength() == 0)
        {
            Problem(at, "is an empty array; at least one account was expected");
            return null;
        }

        var iban = CanonicalFields.Invoice["payment.iban"];
        var bic = CanonicalFields.Invoice["payment.bic"];
        var accounts = new List<(ValueReader<string?>? Iban, ValueReader<string?>? Bic)>();
        var index = 0;
        foreach (var item in node.EnumerateArray())
        {
            var itemAt = $"{at}[{index++}]";
            var props = Object(item, itemAt, AccountKeys);
            if (props is null)
            {
                continue;
            }

            if (props.Count == 0)
            {
                Problem(itemAt, "an account needs 'iban', 'bic' or both");
                continue;
            }

            var ibanReader = props.TryGetValue("iban", out var ibanNode) ? Value(ibanNode, $"{itemAt}.iban", iban, null) as ValueReader<string?> : null;
            var bicReader = props.TryGetValue("bic", out var bicNode) ? Value(bicNode, $"{itemAt}.bic", bic, null) as ValueReader<string?> : null;
            accounts.Add((ibanReader, bicReader));
        }

        return accounts.Count == node.GetArrayLength() ? new AccountsBinding([.. accounts]) : null;
    }

    private StatusRule? Status(JsonElement node, string at)
    {
        var props = Object(node, at, StatusKeys);
        if (props is null)
        {
            return null;
        }

        PathChoice? path = null;
        if (props.TryGetValue("path", out var pathNode))
        {
            path = Choice(pathNode, $"{at}.path", allowProjection: false, null);
        }

        var paid = new List<Func<Entry, UpstreamValues, bool>>();
        if (props.TryGetValue("paidWhen", out var paidNode))
        {
            if (paidNode.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in paidNode.EnumerateArray())
                {
                    if (Condition(item, $"{at}.paidWhen[{index++}]") is { } condition)
                    {
                        paid.Add(condition);
                    }
                }
            }
            else if (Condition(paidNode, $"{at}.paidWhen") is { } condition)
            {
                paid.Add(condition);
            }
        }

        var map = new Dictionary<string, InvoiceStatus>(StringComparer.OrdinalIgnoreCase);
        if (props.TryGetValue("map", out var mapNode) && IsKind(mapNode, $"{at}.map", JsonValueKind.Object, "an object of upstream value to status"))
        {
            CheckDuplicates(mapNode, $"{at}.map", ignoreCase: true);
            foreach (var property in mapNode.EnumerateObject())
            {
                if (StatusName(property.Value, $"{at}.map.{property.Name}") is { } status)
                {
                    map[property.Name.Trim()] = status;
                }
            }
        }

        // 'open' lists the values that mean "issued, not paid"; 'overdueFromDueDate' is its older name (overdue is no
        // longer a status: the gateway computes it when serving, SPEC §3), still read so that existing files keep working.
        var open = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (props.ContainsKey("open") && props.ContainsKey("overdueFromDueDate"))
        {
            Problem($"{at}.overdueFromDueDate", "is the older name of 'open'; give only 'open'");
        }

        var openKey = props.ContainsKey("open") ? "open" : "overdueFromDueDate";
        if (props.TryGetValue(openKey, out var openNode)
            && IsKind(openNode, $"{at}.{openKey}", JsonValueKind.Array, "an array of upstream values"))
        {
            var index = 0;
            foreach (var item in openNode.EnumerateArray())
            {
                var itemAt = $"{at}.{openKey}[{index++}]";
                if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                {
                    Problem(itemAt, $"is {Show(item)}; an upstream status value (a non-empty string) was expected");
                }
                else if (map.ContainsKey(item.GetString()!.Trim()))
                {
                    Problem(itemAt, $"'{item.GetString()}' is also in 'map'; a value belongs to one of them");
                }
                else if (!open.Add(item.GetString()!.Trim()))
                {
                    Problem(itemAt, $"'{item.GetString()}' is listed twice");
                }
            }
        }

        var partialPayments = OptionalBool(props, "partialPayments", at) ?? true;

        InvoiceStatus? absent = null;
        if (props.TryGetValue("absent", out var absentNode))
        {
            absent = StatusName(absentNode, $"{at}.absent");
        }

        if (path is null && (map.Count > 0 || open.Count > 0))
        {
            Problem(at, $"'map' and '{openKey}' need 'path': where the upstream's status value is");
        }

        if (path is null && paid.Count == 0 && absent is null && !props.ContainsKey("path") && !props.ContainsKey("paidWhen"))
        {
            Problem(at, "needs 'path' (the upstream's status value), 'paidWhen' or 'absent'");
        }

        return new StatusRule(path, paid, map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            open.ToFrozenSet(StringComparer.OrdinalIgnoreCase), absent, partialPayments);
    }

    private Func<Entry, UpstreamValues, bool>? Condition(JsonElement node, string at)
    {
        var props = Object(node, at, ConditionKeys);
        if (props is null)
        {
            return null;
        }

        var choice = props.TryGetValue("path", out var pathNode)
            ? Choice(pathNode, $"{at}.path", allowProjection: false, null)
            : MissingKey<PathChoice>(at, "path", "the path of the value to test");
        var equals = props.TryGetValue("equals", out var equalsNode) ? equalsNode : default;
        var convert = OptionalString(props, "convert", at) ?? equals.ValueKind switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "decimal",
            _ => "boolean",
        };
        if (choice is null)
        {
            return null;
        }

        switch (convert)
        {
            case "boolean":
                if (equals.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.True or JsonValueKind.False))
                {
                    Problem($"{at}.equals", $"is {Show(equals)}; the converter 'boolean' compares with true or false");
                    return null;
                }

                var expected = equals.ValueKind != JsonValueKind.False;
                var flag = new BooleanReader(choice);
                return (entry, values) => flag.Read(entry, values) == expected;
            case "string":
                if (equals.ValueKind != JsonValueKind.String)
                {
                    Problem($"{at}.equals", $"is {Show(equals)}; the converter 'string' compares with a string");
                    return null;
                }

                var text = new PlainTextReader(choice);
                var word = equals.GetString()!.Trim();
                return (entry, values) => string.Equals(text.Read(entry, values), word, StringComparison.OrdinalIgnoreCase);
            case "decimal":
            case "int":
                if (equals.ValueKind != JsonValueKind.Number || !equals.TryGetDecimal(out var number))
                {
                    Problem($"{at}.equals", $"is {Show(equals)}; the converter '{convert}' compares with a number");
                    return null;
                }

                var amount = new DecimalReader(choice);
                return (entry, values) => amount.Read(entry, values) == number;
            default:
                Problem($"{at}.convert", $"'{convert}' cannot be used in a condition; expected 'boolean', 'string', 'decimal' or 'int'");
                return null;
        }
    }

    private InvoiceStatus? StatusName(JsonElement node, string at)
    {
        if (node.ValueKind == JsonValueKind.String)
        {
            var text = node.GetString()!;
            var index = Array.IndexOf(StatusNames, text);
            if (index >= 0)
            {
                return Enum.Parse<InvoiceStatus>(text, ignoreCase: true);
            }

            if (text.Equals("overdue", StringComparison.OrdinalIgnoreCase))
            {
                Problem(at, "'overdue' is not a status: the gateway computes 'overdue' itself from dueDate, status and totals.due " +
                            "when it serves an invoice (SPEC §3); map this value to 'open' (or 'partiallyPaid')");
                return null;
            }
        }

        Problem(at, $"is {Show(node)}; a status was expected: one of {Names(StatusNames)}");
        return null;
    }

    /// <summary>Compiles one field's value: a path, a list of fallback paths, or an object with a converter.</summary>
    private object? Value<TDraft>(JsonElement node, string at, FieldTarget<TDraft> target, string? displayPrefix)
    {
        var converter = target.DefaultConverter;
        Dictionary<string, JsonElement> props;
        switch (node.ValueKind)
        {
            case JsonValueKind.String:
            case JsonValueKind.Array:
                props = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["path"] = node };
                break;
            case JsonValueKind.Object:
                var found = Object(node, at, ValueKeys);
                if (found is null)
                {
                    return null;
                }

                props = found;
                if (props.TryGetValue("convert", out var convertNode))
                {
                    if (convertNode.ValueKind != JsonValueKind.String)
                    {
                        Problem($"{at}.convert", $"is {Show(convertNode)}; a converter name was expected: one of {Names(CanonicalFields.Converters)}");
                        return null;
                    }

                    converter = convertNode.GetString()!;
                }

                break;
            default:
                Problem(at, $"is {Show(node)}; a path, an array of fallback paths or an object with 'path' and 'convert' was expected");
                return null;
        }

        var convertAt = node.ValueKind == JsonValueKind.Object && props.ContainsKey("convert") ? $"{at}.convert" : at;
        if (!KeysByConverter.TryGetValue(converter, out var allowed))
        {
            Problem(convertAt, $"'{converter}' is not a converter; expected one of {Names(CanonicalFields.Converters)}");
            return null;
        }

        var ok = true;
        foreach (var key in props.Keys.Where(k => !allowed.Contains(k)))
        {
            Problem($"{at}.{key}", $"does not apply to the converter '{converter}'");
            ok = false;
        }

        var gives = converter switch
        {
            "string" or "countryCode" or "join" => FieldType.Text,
            "int" or "ordinal" => FieldType.Integer,
            "decimal" or "sum" or "multiply" => FieldType.Decimal,
            "date" => FieldType.Date,
            "dateTime" => FieldType.DateTime,
            "boolean" => FieldType.Boolean,
            _ => target.Type,
        };
        if (gives != target.Type
            || (converter == "valueMap" && target.Type is not (FieldType.Text or FieldType.Kind or FieldType.Direction)))
        {
            Problem(convertAt, converter == "valueMap"
                ? $"the converter 'valueMap' gives text, a kind or a direction, but '{target.Name}' holds {CanonicalFields.Describe(target.Type)}"
                : $"the converter '{converter}' gives {CanonicalFields.Describe(gives)}, but '{target.Name}' holds {CanonicalFields.Describe(target.Type)}");
            return null;
        }

        var pathAt = node.ValueKind == JsonValueKind.Object ? $"{at}.path" : at;
        PathChoice? choice = null;
        if (allowed.Contains("path"))
        {
            if (!props.TryGetValue("path", out var pathNode))
            {
                Problem(at, $"'path' is required for the converter '{converter}'");
                return null;
            }

            choice = Choice(pathNode, pathAt, allowProjection: converter == "sum", displayPrefix);
            if (choice is null)
            {
                return null;
            }

            if (converter == "sum")
            {
                var index = 0;
                foreach (var path in choice.Paths)
                {
                    if (!path.Projects)
                    {
                        Problem(pathNode.ValueKind == JsonValueKind.Array ? $"{pathAt}[{index}]" : pathAt,
                            $"'{path.Text}' reaches one value; the converter 'sum' needs an array projection such as 'items[].amount'");
                        ok = false;
                    }

                    index++;
                }
            }
        }

        if (converter == "ordinal" && displayPrefix is null)
        {
            Problem(convertAt, $"the converter 'ordinal' numbers the elements of an array; it applies to line and allocation fields, not to '{target.Name}'");
            return null;
        }

        var minorUnits = Scale(props, at);
        if (!ok || minorUnits is null)
        {
            return null;
        }

        switch (converter)
        {
            case "string":
                return new PlainTextReader(choice!);
            case "countryCode":
                return new CountryCodeReader(choice!);
            case "int":
                return new IntegerReader(choice!);
            case "decimal":
                return new DecimalReader(choice!, minorUnits.Value);
            case "boolean":
                return new BooleanReader(choice!);
            case "date":
                return Formats(props, at) is { } dateFormats ? new DateReader(choice!, dateFormats) : null;
            case "dateTime":
                return Formats(props, at) is { } timeFormats
                    ? new DateTimeReader(choice!, timeFormats, dayAllowed: target.Name == "paidAt")
                    : null;
            case "sum":
                return new SumReader([.. choice!.Paths], target.Name, minorUnits.Value);
            case "multiply":
                return Factors(props, at, displayPrefix, "multiply", 2) is { } factors
                    ? new MultiplyReader(factors, CanonicalFields.IsAmount(target.Name), minorUnits.Value)
                    : null;
            case "join":
                return Factors(props, at, displayPrefix, "join", 1) is { } parts
                    ? new JoinReader(parts, Separator(props, at))
                    : null;
            case "ordinal":
                return OrdinalReader.Instance;
            case "valueMap":
                return ValueMap(props, at, target, choice!);
            default:
                return Constant(props, at, target);
        }
    }

    private PathChoice[]? Factors(Dictionary<string, JsonElement> props, string at, string? displayPrefix, string converter, int least)
    {
        if (!props.TryGetValue("of", out var ofNode))
        {
            Problem(at, converter == "multiply"
                ? "'of' is required for the converter 'multiply': the paths of the factors, e.g. [\"qty\", \"amount\"]"
                : "'of' is required for the converter 'join': the paths of the parts, e.g. [\"title\", \"description\"]");
            return null;
        }

        var paths = least > 1 ? "two paths" : "one path";
        if (!IsKind(ofNode, $"{at}.of", JsonValueKind.Array, $"an array of at least {paths}"))
        {
            return null;
        }

        if (ofNode.GetArrayLength() < least)
        {
            Problem($"{at}.of", $"needs at least {paths} to {converter}");
            return null;
        }

        var factors = new List<PathChoice>();
        var index = 0;
        foreach (var item in ofNode.EnumerateArray())
        {
            if (Choice(item, $"{at}.of[{index++}]", allowProjection: false, displayPrefix) is { } choice)
            {
                factors.Add(choice);
            }
        }

        return factors.Count == ofNode.GetArrayLength() ? [.. factors] : null;
    }

    private string Separator(Dictionary<string, JsonElement> props, string at)
    {
        if (!props.TryGetValue("separator", out var node))
        {
            return " – ";
        }

        if (node.ValueKind == JsonValueKind.String)
        {
            return node.GetString()!;
        }

        Problem($"{at}.separator", $"is {Show(node)}; a string was expected");
        return " – ";
    }

    /// <summary>The <c>scale</c> of an amount sent in minor units (2 for cents); null when it is invalid.</summary>
    private MinorUnits? Scale(Dictionary<string, JsonElement> props, string at)
    {
        if (!props.TryGetValue("scale", out var node))
        {
            return MinorUnits.None;
        }

        if (node.ValueKind == JsonValueKind.Number && node.TryGetInt32(out var scale) && scale is >= 0 and <= 8)
        {
            return new MinorUnits(scale);
        }

        Problem($"{at}.scale", $"is {Show(node)}; the number of decimals of the minor unit was expected (a whole number from 0 to 8, e.g. 2 for cents)");
        return null;
    }

    private object? ValueMap<TDraft>(Dictionary<string, JsonElement> props, string at, FieldTarget<TDraft> target, PathChoice choice)
    {
        if (!props.TryGetValue("map", out var mapNode))
        {
            Problem(at, "'map' is required for the converter 'valueMap': upstream value to canonical value");
            return null;
        }

        if (!IsKind(mapNode, $"{at}.map", JsonValueKind.Object, "an object of upstream value to canonical value"))
        {
            return null;
        }

        CheckDuplicates(mapNode, $"{at}.map", ignoreCase: true);
        var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        var ok = true;
        foreach (var property in mapNode.EnumerateObject())
        {
            if (TryCanonical(property.Value, $"{at}.map.{property.Name}", target, out var value))
            {
                map[property.Name.Trim()] = value;
            }
            else
            {
                ok = false;
            }
        }

        object? defaultValue = null;
        var hasDefault = props.TryGetValue("default", out var defaultNode) && defaultNode.ValueKind != JsonValueKind.Null;
        if (hasDefault && !TryCanonical(defaultNode, $"{at}.default", target, out defaultValue))
        {
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        return target.Type switch
        {
            FieldType.Kind => new ValueMapReader<InvoiceKind?>(choice, Typed<InvoiceKind?>(map), hasDefault, (InvoiceKind?)defaultValue),
            FieldType.Direction => new ValueMapReader<InvoiceDirection?>(choice, Typed<InvoiceDirection?>(map), hasDefault, (InvoiceDirection?)defaultValue),
            _ => new ValueMapReader<string?>(choice, Typed<string?>(map), hasDefault, (string?)defaultValue),
        };
    }

    private object? Constant<TDraft>(Dictionary<string, JsonElement> props, string at, FieldTarget<TDraft> target)
    {
        if (!props.TryGetValue("value", out var valueNode))
        {
            Problem(at, "'value' is required for the converter 'constant'");
            return null;
        }

        if (!TryCanonical(valueNode, $"{at}.value", target, out var value))
        {
            return null;
        }

        return target.Type switch
        {
            FieldType.Text => new ConstantReader<string?>((string?)value),
            FieldType.Date => new ConstantReader<DateOnly?>((DateOnly?)value),
            FieldType.DateTime => new ConstantReader<UpstreamMoment>(new UpstreamMoment(null, (DateTimeOffset?)value)),
            FieldType.Decimal => new ConstantReader<decimal?>((decimal?)value),
            FieldType.Integer => new ConstantReader<int?>((int?)value),
            FieldType.Kind => new ConstantReader<InvoiceKind?>((InvoiceKind?)value),
            FieldType.Direction => new ConstantReader<InvoiceDirection?>((InvoiceDirection?)value),
            _ => new ConstantReader<bool?>((bool?)value),
        };
    }

    /// <summary>Reads a canonical value written in the mapping (a map value, a default, a constant) for the target's type.</summary>
    private bool TryCanonical<TDraft>(JsonElement node, string at, FieldTarget<TDraft> target, out object? value)
    {
        value = null;
        switch (target.Type)
        {
            case FieldType.Text when node.ValueKind == JsonValueKind.String:
                value = node.GetString();
                return true;
            case FieldType.Kind when node.ValueKind == JsonValueKind.String && node.GetString() is "invoice" or "creditNote" or "reminder":
                value = node.GetString() switch
                {
                    "invoice" => InvoiceKind.Invoice,
                    "creditNote" => InvoiceKind.CreditNote,
                    _ => InvoiceKind.Reminder,
                };
                return true;
            case FieldType.Direction when node.ValueKind == JsonValueKind.String && ParseDirection(node.GetString()!) is { } direction:
                value = direction;
                return true;
            case FieldType.Decimal when node.ValueKind == JsonValueKind.Number && node.TryGetDecimal(out var number):
                value = number;
                return true;
            case FieldType.Integer when node.ValueKind == JsonValueKind.Number && node.TryGetInt32(out var integer):
                value = integer;
                return true;
            case FieldType.Boolean when node.ValueKind is JsonValueKind.True or JsonValueKind.False:
                value = node.ValueKind == JsonValueKind.True;
                return true;
            case FieldType.Date when node.ValueKind == JsonValueKind.String
                                     && DateOnly.TryParseExact(node.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date):
                value = date;
                return true;
            case FieldType.DateTime when node.ValueKind == JsonValueKind.String
                                         && DateTimeOffset.TryParse(node.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time):
                value = time.ToUniversalTime();
                return true;
        }

        var expected = target.Type switch
        {
            FieldType.Kind => "'invoice', 'creditNote' or 'reminder'",
            FieldType.Direction => "'payable' or 'receivable'",
            FieldType.Date => "a date written yyyy-MM-dd",
            FieldType.DateTime => "an RFC 3339 date-time",
            FieldType.Decimal => "a number",
            FieldType.Integer => "a whole number",
            FieldType.Boolean => "true or false",
            _ => "a string",
        };
        Problem(at, $"is {Show(node)}; '{target.Name}' holds {CanonicalFields.Describe(target.Type)}, so {expected} was expected");
        return false;
    }

    private string[]? Formats(Dictionary<string, JsonElement> props, string at)
    {
        if (!props.TryGetValue("formats", out var node))
        {
            return [];
        }

        if (!IsKind(node, $"{at}.formats", JsonValueKind.Array, "an array of .NET date formats"))
        {
            return null;
        }

        var formats = new List<string>();
        var index = 0;
        foreach (var item in node.EnumerateArray())
        {
            var itemAt = $"{at}.formats[{index++}]";
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                Problem(itemAt, $"is {Show(item)}; a .NET date format such as 'dd.MM.yyyy' was expected");
            }
            else if (CheckFormat(item.GetString()!, itemAt))
            {
                formats.Add(item.GetString()!);
            }
        }

        return formats.Count == node.GetArrayLength() ? [.. formats] : null;
    }

    private bool CheckFormat(string format, string at)
    {
        var sample = new DateTime(2001, 12, 31, 23, 58, 59, DateTimeKind.Utc);
        try
        {
            var text = sample.ToString(format, CultureInfo.InvariantCulture);
            if (DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _))
            {
                return true;
            }
        }
        catch (FormatException)
        {
        }

        Problem(at, $"'{format}' is not a .NET date format that can read back what it writes (e.g. 'dd.MM.yyyy', 'MM-dd-yyyy HH:mm')");
        return false;
    }
}
