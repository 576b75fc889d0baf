using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.Sendcloud.Mapping;

/// <summary>Reads a boolean that arrived as text: <c>true</c>/<c>false</c> (any case) or <c>1</c>/<c>0</c>.</summary>
internal static class UpstreamFlag
{
    /// <summary>The flag, <c>null</c> when absent; a value that is no boolean is reported as unparsed.</summary>
    public static bool? Read(UpstreamValues values, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (TryParse(text, out var flag))
        {
            return flag;
        }

        values.Unparsed(field, text, "true or false");
        return null;
    }

    /// <summary>True only for a value that reads as true; reports nothing.</summary>
    public static bool IsTrue(string? text) => TryParse(text, out var flag) && flag;

    /// <summary>True when a value is present but is no boolean.</summary>
    public static bool IsUnreadable(string? text) => !string.IsNullOrWhiteSpace(text) && !TryParse(text, out _);

    private static bool TryParse(string? text, out bool flag)
    {
        var value = text.AsSpan().Trim();
        flag = value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.SequenceEqual("1");
        return flag || value.Equals("false", StringComparison.OrdinalIgnoreCase) || value.SequenceEqual("0");
    }
}
