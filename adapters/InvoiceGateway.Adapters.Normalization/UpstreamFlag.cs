namespace InvoiceGateway.Adapters.Normalization;

/// <summary>Reads a boolean that arrived as text: <c>true</c>/<c>false</c> (any case) or <c>1</c>/<c>0</c>.</summary>
public static class UpstreamFlag
{
    /// <summary>The flag, <c>null</c> when absent; a value that is no boolean is reported as unparsed.</summary>
    /// <param name="values">Where the warning goes.</param>
    /// <param name="field">The upstream field name.</param>
    /// <param name="text">The value as text.</param>
    /// <returns>The flag or <c>null</c>.</returns>
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
    /// <param name="text">The value as text.</param>
    /// <returns>Whether it reads as true.</returns>
    public static bool IsTrue(string? text) => TryParse(text, out var flag) && flag;

    /// <summary>True when a value is present but is no boolean.</summary>
    /// <param name="text">The value as text.</param>
    /// <returns>Whether it is present and unreadable.</returns>
    public static bool IsUnreadable(string? text) => !string.IsNullOrWhiteSpace(text) && !TryParse(text, out _);

    private static bool TryParse(string? text, out bool flag)
    {
        var value = text.AsSpan().Trim();
        flag = value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.SequenceEqual("1");
        return flag || value.Equals("false", StringComparison.OrdinalIgnoreCase) || value.SequenceEqual("0");
    }
}
