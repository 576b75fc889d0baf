using InvoiceGateway.Contracts;

namespace InvoiceGateway.Gateway.Configuration;

/// <summary>
/// Reads <c>Gateway:Sources:&lt;name&gt;:Owner</c>: the gateway owner's own party data (SPEC §9), which completes the
/// owner's side of the source's invoices in the UBL export and the EN 16931 check (the seller of a receivable source,
/// the buyer of a payable one). Every malformed value is one start-up problem.
/// </summary>
internal static class OwnerPartyReader
{
    private static readonly HashSet<string> OwnerKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Name", "OrganizationNumber", "OrganizationScheme", "VatNumber", "ElectronicAddress", "Email", "Phone", "Website", "Address",
    };

    private static readonly HashSet<string> ElectronicAddressKeys = new(StringComparer.OrdinalIgnoreCase) { "Scheme", "Value" };

    private static readonly HashSet<string> AddressKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Line1", "Line2", "PostalCode", "City", "Country",
    };

    /// <summary>
    /// Reads a connection's <c>owner</c> (a JSON object with the same fields, any casing) by the same rules as the
    /// configured one; the problems name <c>owner:Field</c>.
    /// </summary>
    public static Party? Read(System.Text.Json.JsonElement owner, List<string> problems)
    {
        using var body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("{\"owner\":" + owner.GetRawText() + "}"));
        var configuration = new ConfigurationBuilder().AddJsonStream(body).Build();
        var section = configuration.GetSection("owner");
        if (!section.GetChildren().Any())
        {
            problems.Add("owner must be an object with at least Name, e.g. {\"name\": \"Nordlys Regnskap AS\", \"vatNumber\": \"NO913456782MVA\"}.");
            return null;
        }

        return Read(section, problems);
    }

    public static Party? Read(IConfigurationSection owner, List<string> problems)
    {
        if (!owner.GetChildren().Any())
        {
            return null;
        }

        Unknown(owner, OwnerKeys, problems);
        var address = owner.GetSection("Address");
        Unknown(address, AddressKeys, problems);
        var electronic = owner.GetSection("ElectronicAddress");
        Unknown(electronic, ElectronicAddressKeys, problems);
        var party = new Party
        {
            Name = Text(owner, "Name", 200, problems),
            OrganizationNumber = Text(owner, "OrganizationNumber", 35, problems),
            OrganizationScheme = Text(owner, "OrganizationScheme", 4, problems),
            VatNumber = Text(owner, "VatNumber", 35, problems),
            ElectronicAddress = electronic.GetChildren().Any()
                ? new ElectronicAddress(Text(electronic, "Scheme", 4, problems), Text(electronic, "Value", 200, problems))
                : null,
            Email = Text(owner, "Email", 254, problems),
            Phone = Text(owner, "Phone", 35, problems),
            Website = Text(owner, "Website", 200, problems),
            Address = address.GetChildren().Any()
                ? new PostalAddress(
                    Text(address, "Line1", 200, problems),
                    Text(address, "Line2", 200, problems),
                    Text(address, "PostalCode", 20, problems),
                    Text(address, "City", 100, problems),
                    Text(address, "Country", 2, problems)?.ToUpperInvariant())
                : null,
        };

        if (party.Name is null)
        {
            problems.Add($"{owner.Path}:Name is required: the owner's party needs its legal name.");
        }

        if (party.OrganizationNumber is { } number && !number.All(char.IsAsciiLetterOrDigit))
        {
            problems.Add($"{owner.Path}:OrganizationNumber must be letters and digits only (e.g. 918713867), not '{number}'.");
        }

        if (party.OrganizationScheme is { } scheme && !(scheme.Length == 4 && scheme.All(char.IsAsciiDigit)))
        {
            problems.Add($"{owner.Path}:OrganizationScheme must be an ISO 6523 ICD of four digits (e.g. 0192), not '{scheme}'.");
        }

        if (party.ElectronicAddress is { } endpoint && (endpoint.Scheme is null || endpoint.Value is null))
        {
            problems.Add($"{electronic.Path} needs both Scheme (e.g. 0192) and Value (e.g. 913456782).");
        }

        if (party.VatNumber is { } vat && !(vat.Length > 2 && char.IsAsciiLetter(vat[0]) && char.IsAsciiLetter(vat[1])))
        {
            problems.Add($"{owner.Path}:VatNumber must start with its country's two-letter prefix (e.g. NO918713867MVA), not '{vat}'.");
        }

        if (party.Address?.Country is { } country && !country.All(char.IsAsciiLetter))
        {
            problems.Add($"{address.Path}:Country must be an ISO 3166-1 alpha-2 code (e.g. NO), not '{country}'.");
        }

        return party;
    }

    private static void Unknown(IConfigurationSection section, HashSet<string> known, List<string> problems)
    {
        foreach (var child in section.GetChildren().Where(c => !known.Contains(c.Key)))
        {
            problems.Add($"{child.Path} is not a known setting (known: {string.Join(", ", known)}).");
        }
    }

    private static string? Text(IConfigurationSection section, string key, int maxLength, List<string> problems)
    {
        var value = section[key]?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > maxLength || value.Any(char.IsControl))
        {
            problems.Add($"{section.Path}:{key} must be at most {maxLength} printable characters.");
            return null;
        }

        return value;
    }
}
