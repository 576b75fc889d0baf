namespace InvoiceGateway.Sandbox;

/// <summary>
/// How many requests each API received since start or the last <see cref="Reset"/>. Thread-safe.
/// <see cref="Count"/> counts data requests (lists and details, whatever they were answered with),
/// <see cref="TokenCount"/> the token endpoints.
/// </summary>
public sealed class SandboxRequestLog
{
    private readonly int[] data = new int[SandboxApis.Count];
    private readonly int[] tokens = new int[SandboxApis.Count];

    /// <summary>Data requests received by <paramref name="api"/>.</summary>
    /// <param name="api">One of <see cref="SandboxApis.Names"/>.</param>
    public int Count(string api) => Volatile.Read(ref data[SandboxApis.IndexOf(api)]);

    /// <summary>Token requests received by <paramref name="api"/> (GoScore <c>auth</c>, Sendcloud OAuth2, Dollr <c>obtain/token</c>).</summary>
    /// <param name="api">One of <see cref="SandboxApis.Names"/>.</param>
    public int TokenCount(string api) => Volatile.Read(ref tokens[SandboxApis.IndexOf(api)]);

    /// <summary>Data requests per API name, in the order of <see cref="SandboxApis.Names"/>.</summary>
    public IReadOnlyDictionary<string, int> Snapshot()
    {
        var snapshot = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < SandboxApis.Count; i++)
        {
            snapshot[SandboxApis.Names[i]] = Volatile.Read(ref data[i]);
        }

        return snapshot;
    }

    /// <summary>Sets every count to zero.</summary>
    public void Reset()
    {
        for (var i = 0; i < SandboxApis.Count; i++)
        {
            Interlocked.Exchange(ref data[i], 0);
            Interlocked.Exchange(ref tokens[i], 0);
        }
    }

    internal void RecordData(int apiIndex) => Interlocked.Increment(ref data[apiIndex]);

    internal void RecordToken(int apiIndex) => Interlocked.Increment(ref tokens[apiIndex]);
}
