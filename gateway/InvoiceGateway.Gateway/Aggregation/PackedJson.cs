using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Aggregation;

/// <summary>
/// An invoice's canonical JSON as a cached list holds it: every property name (<c>"issueDate":</c>), <c>null</c>,
/// <c>true</c>, <c>false</c> and the not-overdue pair replaced by a one- or two-byte code. The canonical JSON writes
/// every property of the model, mostly null, so names and nulls were two thirds of its bytes; packed, an invoice takes
/// about 40 % of them. The codes are control bytes (0x01-0x1F), which valid JSON never holds raw (a string escapes
/// them), so packing is lossless whatever the content, and unpacking is a copy of the runs between codes.
/// </summary>
internal static class PackedJson
{
    private const byte Extended = 0x1F;

    /// <summary>The two properties as every cached invoice holds them (the canonical serializer writes them so).</summary>
    private static readonly byte[] NotOverdue = "\"overdue\":false,\"daysOverdue\":null"u8.ToArray();

    private static readonly byte[] OverduePrefix = "\"overdue\":true,\"daysOverdue\":"u8.ToArray();

    // The names measured most frequent in the five sandbox APIs' invoices get one-byte codes (after the values).
    private static readonly string[] Frequent =
    [
        "net", "tax", "gross", "name", "organizationNumber", "organizationScheme", "vatNumber", "electronicAddress",
        "customerNumber", "email", "phone", "mobile", "website", "address", "code", "description", "taxRate",
        "position", "quantity", "unit", "unitPrice", "discountPercent", "line1", "line2", "postalCode", "city",
    ];

    private static readonly byte[][] Tokens = BuildTokens();

    private static readonly Dictionary<string, int> NameCodes = BuildNameCodes();

    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> NameLookup =
        NameCodes.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly SearchValues<byte> TokenStarts = SearchValues.Create("\"ntf"u8);

    /// <summary>Packs canonical JSON; <c>null</c> when it holds a raw control byte (not JSON: then it is kept unpacked).</summary>
    public static byte[]? Pack(ReadOnlySpan<byte> json)
    {
        if (json.IndexOfAnyInRange((byte)0x00, (byte)0x1F) >= 0)
        {
            return null;
        }

        var output = ArrayPool<byte>.Shared.Rent(json.Length);
        try
        {
            var length = 0;
            var at = 0;
            while (at < json.Length)
            {
                var next = json[at..].IndexOfAny(TokenStarts);
                if (next < 0)
                {
                    json[at..].CopyTo(output.AsSpan(length));
                    length += json.Length - at;
                    break;
                }

                json.Slice(at, next).CopyTo(output.AsSpan(length));
                length += next;
                at += next;
                var (code, consumed) = Match(json[at..]);
                if (code < 0)
                {
                    output[length++] = json[at++];
                }
                else
                {
                    length += WriteCode(output.AsSpan(length), code);
                    at += consumed;
                }
            }

            return output.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>How many bytes <paramref name="packed"/> unpacks to, with <c>daysOverdue</c> written when given.</summary>
    public static int UnpackedLength(ReadOnlySpan<byte> packed, int? daysOverdue)
    {
        var length = 0;
        var at = 0;
        while (true)
        {
            var next = packed[at..].IndexOfAnyInRange((byte)0x01, Extended);
            if (next < 0)
            {
                return length + packed.Length - at;
            }

            length += next;
            at += next;
            var code = ReadCode(packed, ref at);
            length += code == OverdueCode && daysOverdue is { } days ? OverduePrefix.Length + Digits(days) : Tokens[code].Length;
        }
    }

    /// <summary>Unpacks into <paramref name="destination"/> (at least <see cref="UnpackedLength"/> long); returns the bytes written.</summary>
    public static int Unpack(ReadOnlySpan<byte> packed, Span<byte> destination, int? daysOverdue)
    {
        var length = 0;
        var at = 0;
        while (true)
        {
            var next = packed[at..].IndexOfAnyInRange((byte)0x01, Extended);
            if (next < 0)
            {
                packed[at..].CopyTo(destination[length..]);
                return length + packed.Length - at;
            }

            packed.Slice(at, next).CopyTo(destination[length..]);
            length += next;
            at += next;
            var code = ReadCode(packed, ref at);
            if (code == OverdueCode && daysOverdue is { } days)
            {
                OverduePrefix.CopyTo(destination[length..]);
                length += OverduePrefix.Length;
                Utf8Formatter.TryFormat(days, destination[length..], out var written);
                length += written;
            }
            else
            {
                Tokens[code].CopyTo(destination[length..]);
                length += Tokens[code].Length;
            }
        }
    }

    /// <summary>Unpacks into a new array.</summary>
    public static byte[] Unpack(ReadOnlySpan<byte> packed, int? daysOverdue)
    {
        var bytes = new byte[UnpackedLength(packed, daysOverdue)];
        Unpack(packed, bytes, daysOverdue);
        return bytes;
    }

    private const int OverdueCode = 3;

    private static (int Code, int Consumed) Match(ReadOnlySpan<byte> at)
    {
        switch (at[0])
        {
            case (byte)'n' when at.StartsWith("null"u8):
                return (0, 4);
            case (byte)'f' when at.StartsWith("false"u8):
                return (1, 5);
            case (byte)'t' when at.StartsWith("true"u8):
                return (2, 4);
            case (byte)'"':
                if (at.StartsWith(NotOverdue))
                {
                    return (OverdueCode, NotOverdue.Length);
                }

                // "name": — a property name (ASCII letters); anything else is copied as it is.
                var end = at[1..Math.Min(at.Length, 66)].IndexOf((byte)'"') + 1;
                if (end <= 1 || end > 64 || end + 1 >= at.Length || at[end + 1] != (byte)':')
                {
                    return (-1, 0);
                }

                Span<char> name = stackalloc char[end - 1];
                for (var i = 0; i < name.Length; i++)
                {
                    name[i] = (char)at[i + 1];
                }

                return NameLookup.TryGetValue(name, out var code) ? (code, end + 2) : (-1, 0);
            default:
                return (-1, 0);
        }
    }

    // Codes 0-29 are one byte (0x01-0x1E), the rest 0x1F followed by code - 30.
    private static int WriteCode(Span<byte> output, int code)
    {
        if (code < Extended - 1)
        {
            output[0] = (byte)(code + 1);
            return 1;
        }

        output[0] = Extended;
        output[1] = (byte)(code - (Extended - 1));
        return 2;
    }

    private static int ReadCode(ReadOnlySpan<byte> packed, ref int at)
    {
        var b = packed[at++];
        return b == Extended ? packed[at++] + (Extended - 1) : b - 1;
    }

    private static int Digits(int value) => value < 0 ? Digits(-value) + 1 : value < 10 ? 1 : Digits(value / 10) + 1;

    private static byte[][] BuildTokens()
    {
        var tokens = new List<byte[]> { "null"u8.ToArray(), "false"u8.ToArray(), "true"u8.ToArray(), NotOverdue };
        var names = new List<string>(Frequent);
        foreach (var name in ModelNames())
        {
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        tokens.AddRange(names.Select(n => Encoding.ASCII.GetBytes("\"" + n + "\":")));
        if (tokens.Count > Extended - 1 + 256)
        {
            throw new InvalidOperationException("The canonical model has more property names than packed JSON has codes.");
        }

        return [.. tokens];
    }

    private static Dictionary<string, int> BuildNameCodes()
    {
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var code = OverdueCode + 1; code < Tokens.Length; code++)
        {
            var token = Tokens[code];
            codes[Encoding.ASCII.GetString(token, 1, token.Length - 3)] = code;
        }

        return codes;
    }

    /// <summary>Every JSON property name of the canonical model, from its serialization metadata (so a new property is packed too).</summary>
    private static IEnumerable<string> ModelNames()
    {
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>([typeof(Invoice)]);
        while (pending.TryDequeue(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            var info = CanonicalJson.Options.GetTypeInfo(type);
            if (info.Kind == JsonTypeInfoKind.Enumerable && info.ElementType is { } element)
            {
                pending.Enqueue(element);
                continue;
            }

            if (info.Kind != JsonTypeInfoKind.Object)
            {
                continue;
            }

            foreach (var property in info.Properties)
            {
                if (property.Name.All(char.IsAsciiLetterOrDigit))
                {
                    yield return property.Name;
                }

                pending.Enqueue(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
            }
        }
    }
}
