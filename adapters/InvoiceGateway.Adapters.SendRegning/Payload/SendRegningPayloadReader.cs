using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.SendRegning.Payload;

/// <summary>
/// Reads a SendRegning invoice object into the payload records by hand, with the rules the lenient payload options
/// gave the serializer (names case-insensitive, the last of repeated names wins, unknown names skipped, scalars as
/// text, <c>null</c> items left out): a reflection-driven second pass over each entry was 39 % of a SendRegning read
/// (bench/results/normalization-profile.md). A value of the wrong shape (an object where text is expected, text
/// where an object is) throws <see cref="JsonException"/>, which rejects the invoice as before.
/// </summary>
internal static class SendRegningPayloadReader
{
    private static readonly PayloadFields InvoiceFields = new(
        "number", "credit", "orderNumber", "invoiceDate", "dueDate", "deliveryDate", "orderDate", "reminderDate",
        "ourReference", "yourReference", "kid", "tax", "total", "currentBalance", "invoiceText", "accountNumber",
        "currency", "deliveryAddress", "originator", "recipient", "international", "items");

    private static readonly PayloadFields PartyFields = new(
        "name", "organisationNumber", "customerNumber", "email", "phone", "mobile", "web", "address", "icd");

    private static readonly PayloadFields DeliveryAddressFields = new("address", "zip", "city", "country");

    private static readonly PayloadFields AddressFields = new("address1", "address2", "zip", "city", "country");

    private static readonly PayloadFields InternationalFields = new("iban", "bic");

    private static readonly PayloadFields ItemFields = new(
        "number", "quantity", "unit", "productCode", "description", "unitPrice", "discount", "taxRate", "total", "totalWithoutTax");

    public static SendRegningInvoicePayload Read(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException(entry.ValueKind == JsonValueKind.Null
                ? "The value is null."
                : $"The invoice is {UpstreamJson.Describe(entry.ValueKind)}, not an object.");
        }

        string? number = null, credit = null, orderNumber = null, ourReference = null, yourReference = null, kid = null;
        string? invoiceText = null, accountNumber = null, currency = null;
        JsonElement? invoiceDate = null, dueDate = null, deliveryDate = null, orderDate = null, reminderDate = null;
        JsonElement? tax = null, total = null, currentBalance = null;
        SendRegningDeliveryAddressPayload? deliveryAddress = null;
        SendRegningPartyPayload? originator = null, recipient = null;
        SendRegningInternationalPayload? international = null;
        IReadOnlyList<SendRegningItemPayload>? items = null;
        foreach (var property in entry.EnumerateObject())
        {
            var value = property.Value;
            switch (InvoiceFields.IndexOf(property))
            {
                case 0: number = PayloadFields.Text(value); break;
                case 1: credit = PayloadFields.Text(value); break;
                case 2: orderNumber = PayloadFields.Text(value); break;
                case 3: invoiceDate = PayloadFields.Scalar(value); break;
                case 4: dueDate = PayloadFields.Scalar(value); break;
                case 5: deliveryDate = PayloadFields.Scalar(value); break;
                case 6: orderDate = PayloadFields.Scalar(value); break;
                case 7: reminderDate = PayloadFields.Scalar(value); break;
                case 8: ourReference = PayloadFields.Text(value); break;
                case 9: yourReference = PayloadFields.Text(value); break;
                case 10: kid = PayloadFields.Text(value); break;
                case 11: tax = PayloadFields.Scalar(value); break;
                case 12: total = PayloadFields.Scalar(value); break;
                case 13: currentBalance = PayloadFields.Scalar(value); break;
                case 14: invoiceText = PayloadFields.Text(value); break;
                case 15: accountNumber = PayloadFields.Text(value); break;
                case 16: currency = PayloadFields.Text(value); break;
                case 17: deliveryAddress = PayloadFields.Object(value, "deliveryAddress") is { } d ? DeliveryAddress(d) : null; break;
                case 18: originator = PayloadFields.Object(value, "originator") is { } o ? Party(o, "originator") : null; break;
                case 19: recipient = PayloadFields.Object(value, "recipient") is { } r ? Party(r, "recipient") : null; break;
                case 20: international = PayloadFields.Object(value, "international") is { } i ? International(i) : null; break;
                case 21: items = Items(value); break;
            }
        }

        return new SendRegningInvoicePayload
        {
            Number = number,
            Credit = credit,
            OrderNumber = orderNumber,
            InvoiceDate = invoiceDate,
            DueDate = dueDate,
            DeliveryDate = deliveryDate,
            OrderDate = orderDate,
            ReminderDate = reminderDate,
            OurReference = ourReference,
            YourReference = yourReference,
            Kid = kid,
            Tax = tax,
            Total = total,
            CurrentBalance = currentBalance,
            InvoiceText = invoiceText,
            AccountNumber = accountNumber,
            Currency = currency,
            DeliveryAddress = deliveryAddress,
            Originator = originator,
            Recipient = recipient,
            International = international,
            Items = items,
        };
    }

    private static SendRegningPartyPayload Party(JsonElement element, string field)
    {
        string? name = null, organisationNumber = null, customerNumber = null, email = null, phone = null, mobile = null;
        string? web = null, icd = null;
        SendRegningAddressPayload? address = null;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (PartyFields.IndexOf(property))
            {
                case 0: name = PayloadFields.Text(value); break;
                case 1: organisationNumber = PayloadFields.Text(value); break;
                case 2: customerNumber = PayloadFields.Text(value); break;
                case 3: email = PayloadFields.Text(value); break;
                case 4: phone = PayloadFields.Text(value); break;
                case 5: mobile = PayloadFields.Text(value); break;
                case 6: web = PayloadFields.Text(value); break;
                case 7: address = PayloadFields.Object(value, field + ".address") is { } a ? Address(a) : null; break;
                case 8: icd = PayloadFields.Text(value); break;
            }
        }

        return new SendRegningPartyPayload
        {
            Name = name,
            OrganisationNumber = organisationNumber,
            CustomerNumber = customerNumber,
            Email = email,
            Phone = phone,
            Mobile = mobile,
            Web = web,
            Address = address,
            Icd = icd,
        };
    }

    private static SendRegningAddressPayload Address(JsonElement element)
    {
        string? address1 = null, address2 = null, zip = null, city = null, country = null;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (AddressFields.IndexOf(property))
            {
                case 0: address1 = PayloadFields.Text(value); break;
                case 1: address2 = PayloadFields.Text(value); break;
                case 2: zip = PayloadFields.Text(value); break;
                case 3: city = PayloadFields.Text(value); break;
                case 4: country = PayloadFields.Text(value); break;
            }
        }

        return new SendRegningAddressPayload { Address1 = address1, Address2 = address2, Zip = zip, City = city, Country = country };
    }

    private static SendRegningDeliveryAddressPayload DeliveryAddress(JsonElement element)
    {
        string? address = null, zip = null, city = null, country = null;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (DeliveryAddressFields.IndexOf(property))
            {
                case 0: address = PayloadFields.Text(value); break;
                case 1: zip = PayloadFields.Text(value); break;
                case 2: city = PayloadFields.Text(value); break;
                case 3: country = PayloadFields.Text(value); break;
            }
        }

        return new SendRegningDeliveryAddressPayload { Address = address, Zip = zip, City = city, Country = country };
    }

    private static SendRegningInternationalPayload International(JsonElement element)
    {
        string? iban = null, bic = null;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (InternationalFields.IndexOf(property))
            {
                case 0: iban = PayloadFields.Text(value); break;
                case 1: bic = PayloadFields.Text(value); break;
            }
        }

        return new SendRegningInternationalPayload { Iban = iban, Bic = bic };
    }

    /// <summary><c>items</c>: <c>null</c> entries are no line; an entry that is no object, or items that are no array, fail the invoice.</summary>
    private static SendRegningItemPayload[]? Items(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"The 'items' value is {UpstreamJson.Describe(value.ValueKind)}; an array was expected.");
        }

        var items = new List<SendRegningItemPayload>(value.GetArrayLength());
        foreach (var element in value.EnumerateArray())
        {
            if (PayloadFields.Object(element, "items[]") is { } item)
            {
                items.Add(Item(item));
            }
        }

        return [.. items];
    }

    private static SendRegningItemPayload Item(JsonElement element)
    {
        string? unit = null, productCode = null, description = null;
        JsonElement? number = null, quantity = null, unitPrice = null, discount = null, taxRate = null, total = null, totalWithoutTax = null;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (ItemFields.IndexOf(property))
            {
                case 0: number = PayloadFields.Scalar(value); break;
                case 1: quantity = PayloadFields.Scalar(value); break;
                case 2: unit = PayloadFields.Text(value); break;
                case 3: productCode = PayloadFields.Text(value); break;
                case 4: description = PayloadFields.Text(value); break;
                case 5: unitPrice = PayloadFields.Scalar(value); break;
                case 6: discount = PayloadFields.Scalar(value); break;
                case 7: taxRate = PayloadFields.Scalar(value); break;
                case 8: total = PayloadFields.Scalar(value); break;
                case 9: totalWithoutTax = PayloadFields.Scalar(value); break;
            }
        }

        return new SendRegningItemPayload
        {
            Number = number,
            Quantity = quantity,
            Unit = unit,
            ProductCode = productCode,
            Description = description,
            UnitPrice = unitPrice,
            Discount = discount,
            TaxRate = taxRate,
            Total = total,
            TotalWithoutTax = totalWithoutTax,
        };
    }
}
