namespace InvoiceGateway.Adapters.SendRegning.Paging;

/// <summary>Finds the <c>rel="next"</c> target in <c>Link</c> header values (RFC 8288).</summary>
internal static class LinkHeader
{
    /// <summary>The target of the first link whose <c>rel</c> includes <c>next</c>, as written; <c>null</c> when there is none.</summary>
    public static string? FindNext(IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            var rest = value.AsSpan();
            while (TryReadLink(ref rest, out var target, out var isNext))
            {
                if (isNext)
                {
                    return target;
                }
            }
        }

        return null;
    }

    /// <summary>Reads <c>&lt;target&gt;; param=value; ...</c> up to the comma that ends it (commas inside quotes don't).</summary>
    private static bool TryReadLink(ref ReadOnlySpan<char> rest, out string target, out bool isNext)
    {
        target = string.Empty;
        isNext = false;
        var open = rest.IndexOf('<');
        if (open < 0)
        {
            return false;
        }

        var close = rest[(open + 1)..].IndexOf('>');
        if (close < 0)
        {
            return false;
        }

        target = rest.Slice(open + 1, close).Trim().ToString();
        rest = rest[(open + close + 2)..];

        var end = EndOfParameters(rest);
        foreach (var range in rest[..end].Split(';'))
        {
            var parameter = rest[..end][range].Trim();
            var equals = parameter.IndexOf('=');
            if (equals > 0 && parameter[..equals].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase))
            {
                isNext |= HasNext(parameter[(equals + 1)..].Trim().Trim('"'));
            }
        }

        rest = end < rest.Length ? rest[(end + 1)..] : [];
        return true;
    }

    private static int EndOfParameters(ReadOnlySpan<char> text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == ',' && !quoted)
            {
                return i;
            }
        }

        return text.Length;
    }

    /// <summary>A rel value is a space-separated list of relation types (<c>rel="next last"</c>).</summary>
    private static bool HasNext(ReadOnlySpan<char> relations)
    {
        foreach (var range in relations.Split(' '))
        {
            if (relations[range].Equals("next", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
