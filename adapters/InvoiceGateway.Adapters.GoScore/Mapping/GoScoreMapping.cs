using AutoMapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace InvoiceGateway.Adapters.GoScore.Mapping;

/// <summary>
/// The adapter's one AutoMapper configuration, built (and its maps compiled) on first use. AutoMapper
/// reads its license key from <c>AUTOMAPPER_LICENSE_KEY</c> itself; without one it only logs a warning.
/// </summary>
internal static class GoScoreMapping
{
    public static MapperConfiguration Configuration { get; } =
        new(config => config.AddProfile<GoScoreProfile>(), NullLoggerFactory.Instance);

    public static IMapper Mapper { get; } = Configuration.CreateMapper();
}
