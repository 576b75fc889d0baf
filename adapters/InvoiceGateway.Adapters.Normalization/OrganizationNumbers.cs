namespace InvoiceGateway.Adapters.Normalization;

/// <summary>
/// Organization numbers as upstreams write them, normalized to SPEC §3's party fields: the number (digits only where
/// the register uses digits), its ISO 6523 ICD scheme when known, and the VAT number when the value was one.
/// </summary>
public static class OrganizationNumbers
{
    /// <summary>ISO 6523 ICD of the Norwegian register of legal entities (Enhetsregisteret).</summary>
    public const string NorwayScheme = "0192";

    /// <summary>
    /// Peppol's older code for the same Norwegian register (<c>NO:ORGNR</c>). It is a Peppol participant scheme, not an
    /// ISO 6523 ICD, so as an organization scheme it is written as <see cref="NorwayScheme"/>.
    /// </summary>
    public const string PeppolNorwayScheme = "9908";

    /// <summary>The schemes above, for a reader to take these strings for an upstream's scheme value instead of a new one per party.</summary>
    public static KnownText KnownSchemes { get; } = new([NorwayScheme, PeppolNorwayScheme]);

    /// <summary>
    /// Reads an organization number. Spaces, dots and dashes are dropped (<c>"976 967 631"</c> → <c>976967631</c>).
    /// A Norwegian VAT form (<c>"NO 918713867 MVA"</c>) gives the number, scheme <c>0192</c> and the VAT number
    /// <c>NO918713867MVA</c>; <c>NO</c> + nine digits gives the number and scheme. Nine digits alone are Norwegian only
    /// when <paramref name="country"/> says so (the party's country, or the country of an API that is Norwegian by its docs).
    /// Anything else is kept trimmed as given, without a scheme.
    /// </summary>
    /// <param name="value">The upstream value.</param>
    /// <param name="country">ISO 3166-1 alpha-2 code of the party's country when known, else <c>null</c>.</param>
    /// <param name="scheme">A scheme the upstream gave beside the number (e.g. SendRegning's <c>icd</c>), else <c>null</c>.</param>
    /// <returns>The number, scheme and VAT number; all <c>null</c> for a blank value.</returns>
    public static OrganizationIdentity Read(string? value, string? country = null, string? scheme = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return default;
        }

        var compact = Compact(value);
        var given = GivenScheme(scheme);
        if (compact.Length == 14 && compact.StartsWith("NO", StringComparison.Ordinal) && compact.EndsWith("MVA", StringComparison.Ordinal)
            && IsDigits(compact.AsSpan(2, 9)))
        {
            var digits = compact.Substring(2, 9);
            return new OrganizationIdentity(digits, given ?? NorwayScheme, string.Concat("NO", digits, "MVA"));
        }

        if (compact.Length == 12 && compact.EndsWith("MVA", StringComparison.Ordinal) && IsDigits(compact.AsSpan(0, 9)))
        {
            var digits = compact[..9];
            return new OrganizationIdentity(digits, given ?? NorwayScheme, string.Concat("NO", digits, "MVA"));
        }

        if (compact.Length == 11 && compact.StartsWith("NO", StringComparison.Ordinal) && IsDigits(compact.AsSpan(2)))
        {
            return new OrganizationIdentity(compact[2..], given ?? NorwayScheme, null);
        }

        if (IsDigits(compact))
        {
            var norwegian = compact.Length == 9 && string.Equals(country, "NO", StringComparison.OrdinalIgnoreCase);
            return new OrganizationIdentity(compact, given ?? (norwegian ? NorwayScheme : null), null);
        }

        return new OrganizationIdentity(value.Trim(), given, null);
    }

    /// <summary>A scheme the upstream gave: four digits, Peppol's 9908 written as the ICD 0192; anything else is not a scheme.</summary>
    private static string? GivenScheme(string? scheme)
    {
        var text = scheme?.Trim();
        return text switch
        {
            null or { Length: not 4 } => null,
            PeppolNorwayScheme => NorwayScheme,
            _ when IsDigits(text) => text,
            _ => null,
        };
    }

    private static string Compact(string value)
    {
        // On the stack for the usual short value (no StringBuilder per party, as the profile showed).
        var compact = value.Length <= 128 ? stackalloc char[value.Length] : new char[value.Length];
        var length = 0;
        foreach (var c in value)
        {
            if (!char.IsWhiteSpace(c) && c is not ('.' or '-'))
            {
                compact[length++] = char.ToUpperInvariant(c);
            }
        }

        // The value itself when it was already compact (the usual "913456782"): no copy of it.
        return compact[..length].SequenceEqual(value) ? value : new string(compact[..length]);
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');
}

/// <summary>A party's legal registration identifier, as SPEC §3 names its parts.</summary>
/// <param name="OrganizationNumber">The number [BT-30 / BT-47].</param>
/// <param name="Scheme">Its ISO 6523 ICD scheme when known, e.g. <c>0192</c>.</param>
/// <param name="VatNumber">The VAT number [BT-31 / BT-48] when the value was one, e.g. <c>NO918713867MVA</c>.</param>
public readonly record struct OrganizationIdentity(string? OrganizationNumber, string? Scheme, string? VatNumber);
