namespace InvoiceGateway.Upstream;

/// <summary>Reads a response's <c>Retry-After</c> (delta seconds or an HTTP date).</summary>
internal static class RetryAfter
{
    /// <summary>The delay the upstream asks for (never negative), or <c>null</c> when it names none.</summary>
    public static TimeSpan? Read(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
