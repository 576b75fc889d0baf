using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceGateway.Gateway.Tests.Infrastructure;

/// <summary>One mapped endpoint, as a request a test can send.</summary>
/// <param name="Method">An HTTP method the endpoint accepts (GET when it accepts any).</param>
/// <param name="Route">The route pattern as mapped, e.g. <c>/v1/invoices/{id}</c>.</param>
/// <param name="Path">The pattern with every parameter filled in.</param>
/// <param name="AllowsAnonymous">The endpoint carries <see cref="IAllowAnonymous"/>.</param>
public sealed record MappedEndpoint(string Method, string Route, string Path, bool AllowsAnonymous)
{
    public override string ToString() => $"{Method} {Route}";
}

/// <summary>
/// Every endpoint a gateway has mapped, read from its <see cref="EndpointDataSource"/> (minimal APIs and
/// YARP routes alike), so that a test over all of them covers an endpoint added later without anyone
/// listing it. Also the spellings of one path that routing treats as the same or that an attacker tries.
/// </summary>
public static class EndpointInventory
{
    /// <summary>
    /// The mapped endpoints, one entry per accepted method. A parameter takes its value from
    /// <paramref name="values"/> by name, else <c>sample</c> (<c>v1</c> for <c>documentName</c>).
    /// </summary>
    public static IReadOnlyList<MappedEndpoint> Enumerate(IServiceProvider services, IReadOnlyDictionary<string, string>? values = null)
    {
        var endpoints = new List<MappedEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(Describe));
            var path = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(s => Fill(s, values)));
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } accepted ? accepted : ["GET"];
            endpoints.AddRange(methods.Select(method => new MappedEndpoint(method, route, path, anonymous)));
        }

        Assert.NotEmpty(endpoints);
        return endpoints;
    }

    /// <summary>
    /// <paramref name="path"/> as sent, upper-cased, with a trailing slash, with its first letter
    /// percent-encoded, and with a doubled slash at the start and inside.
    /// </summary>
    public static IReadOnlyList<string> Spellings(string path)
    {
        var letter = path.IndexOfAny("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".ToCharArray());
        var inner = path.IndexOf('/', 1);
        return new[]
        {
            path,
            path.ToUpperInvariant(),
            path.EndsWith('/') ? path.TrimEnd('/') : path + "/",
            path[..letter] + "%" + ((int)path[letter]).ToString("X2", CultureInfo.InvariantCulture) + path[(letter + 1)..],
            "/" + path,
            inner < 0 ? path + "//" : path[..inner] + "/" + path[inner..],
        }.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static string Describe(RoutePatternPathSegment segment) =>
        string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => "{" + (parameter.IsCatchAll ? "**" : string.Empty) + parameter.Name + "}",
            _ => string.Empty,
        }));

    private static string Fill(RoutePatternPathSegment segment, IReadOnlyDictionary<string, string>? values)
    {
        var text = new StringBuilder();
        foreach (var part in segment.Parts)
        {
            text.Append(part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                RoutePatternParameterPart parameter when values?.TryGetValue(parameter.Name, out var value) == true => value,
                RoutePatternParameterPart { Name: "documentName" } => "v1",
                _ => "sample",
            });
        }

        return text.ToString();
    }
}
