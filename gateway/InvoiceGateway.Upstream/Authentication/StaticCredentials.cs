using System.Text;

namespace InvoiceGateway.Upstream;

/// <summary>No credentials at all (auth type <c>none</c>).</summary>
internal sealed class NoCredentials : ISourceCredentials
{
    public static NoCredentials Instance { get; } = new();

    public bool MayFail => false;

    public ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void Invalidate()
    {
    }
}

/// <summary>A fixed header: <c>basic</c>, <c>bearer</c> and <c>apikey</c> auth.</summary>
internal sealed class StaticCredentials : ISourceCredentials
{
    private readonly string _header;
    private readonly string _value;

    private StaticCredentials(string header, string value)
    {
        _header = header;
        _value = value;
    }

    public static StaticCredentials Basic(string username, string password) =>
        new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    public bool MayFail => false;

    public static StaticCredentials Bearer(string token) => new("Authorization", "Bearer " + token);

    public static StaticCredentials ApiKey(string header, string key) => new(header, key);

    public ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove(_header);
        request.Headers.TryAddWithoutValidation(_header, _value);
        return ValueTask.CompletedTask;
    }

    public void Invalidate()
    {
    }

    public override string ToString() => $"{_header}: (hidden)";
}
