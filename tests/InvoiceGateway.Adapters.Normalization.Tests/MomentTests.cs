using InvoiceGateway.Adapters.Normalization;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Normalization.Tests;

public class MomentTests
{
    [Fact]
    public void Moment_OfADateOnly_IsADayWithoutAMadeUpTime()
    {
        var values = new UpstreamValues();

        var moment = values.Moment("alreadyPaidDate", "2024-03-05");

        Assert.Equal(new UpstreamMoment(new DateOnly(2024, 3, 5), null), moment);
        Assert.Empty(values.Warnings);
    }

    [Theory]
    [InlineData("05-10-2020 02:12:01")]
    [InlineData("2020-10-05T02:12:01Z")]
    [InlineData("2020-10-05T04:12:01+02:00")]
    [InlineData("2020-10-05T02:12:01")] // no offset: UTC
    public void Moment_OfOneInstantWrittenEachWay_IsTheSameDayAndInstant(string text)
    {
        var moment = new UpstreamValues().Moment("date", text, "dd-MM-yyyy HH:mm:ss");

        Assert.Equal(new DateOnly(2020, 10, 5), moment.Day);
        Assert.Equal(new DateTimeOffset(2020, 10, 5, 2, 12, 1, TimeSpan.Zero), moment.At);
    }

    [Fact]
    public void Moment_NearMidnightWithAnOffset_IsTheUtcDay()
    {
        var moment = new UpstreamValues().Moment("date", "2020-10-05T01:00:00+02:00");

        Assert.Equal(new DateOnly(2020, 10, 4), moment.Day);
    }

    [Fact]
    public void Moment_OfNoDate_WarnsAndIsNothing()
    {
        var values = new UpstreamValues();

        Assert.Equal(default, values.Moment("paid_at", "yesterday"));
        Assert.Equal(WarningCodes.UnparsedValue, Assert.Single(values.Warnings).Code);
    }
}
