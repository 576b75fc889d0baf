using System.Globalization;

namespace InvoiceGateway.Adapters.Generic.Tests.Infrastructure;

/// <summary>A clock that stands still at a given time.</summary>
internal sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    /// <summary>Noon UTC of a day written yyyy-MM-dd.</summary>
    public static FakeTimeProvider At(string date) =>
        new(DateTimeOffset.ParseExact($"{date}T12:00:00Z", "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
}
