using Microsoft.Extensions.Logging;

namespace InvoiceGateway.Upstream;

/// <summary>Builds a source's <see cref="ISourceCredentials"/> from its validated settings.</summary>
internal static class SourceCredentialsFactory
{
    public static ISourceCredentials Create(
        UpstreamSource source, Uri baseUrl, HttpMessageInvoker tokenInvoker, TimeProvider time, ILogger logger)
    {
        var auth = source.Auth;
        var type = AuthTypes.Resolve(auth, source.AdapterAuth);
        switch (type)
        {
            case AuthTypes.None:
                return NoCredentials.Instance;
            case AuthTypes.Basic:
                return StaticCredentials.Basic(auth.Username!, auth.Password!);
            case AuthTypes.Bearer:
                return StaticCredentials.Bearer(auth.Token!.Trim());
            case AuthTypes.ApiKey:
                return StaticCredentials.ApiKey(AuthTypes.ApiKeyHeader(auth, source.AdapterAuth), auth.Token!.Trim());
            default:
                var exchange = AuthTypes.Exchange(type, auth, source.AdapterAuth)
                    ?? throw new InvalidOperationException($"Source '{source.Name}' has auth type '{type}' without a token exchange.");
                var endpoint = new TokenEndpoint(
                    source.Name, baseUrl, exchange, auth, tokenInvoker, source.Resilience.AttemptTimeout, time, logger);
                return new TokenCredentials(source.Name, endpoint, time, logger);
        }
    }
}
