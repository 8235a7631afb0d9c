using Que2Engage.Data.Import;

namespace Que2Engage.Tests.Data.Import;

public class RatingMapTests
{
    [Theory]
    [InlineData("1-3", "1", 0)]
    [InlineData("1-3", "2", 1)]
    [InlineData("1-3", "3", 2)]
    [InlineData("1-4", "1", 0)]
    [InlineData("1-4", "2", 1)]
    [InlineData("1-4", "3", 1)]
    [InlineData("1-4", "4", 2)]
    [InlineData("0-10", "7.5", 2)]
    [InlineData("1:0,2:1,3:2", "2", 1)]
    [InlineData("1:0,2:1,3:2", "3.0", 2)]
    [InlineData("E:2,S:1,C:1,I:0", "e", 2)]
    [InlineData("E:2,S:1,C:1,I:0", "C", 1)]
    [InlineData(null, "2", 2)]
    [InlineData("<=2:0,>=2.5:2,>2:drop", "1.67", 0)]
    [InlineData("<=2:0,>=2.5:2,>2:drop", "2", 0)]
    [InlineData("<=2:0,>=2.5:2,>2:drop", "2.33", RatingMap.Drop)]
    [InlineData("<=2:0,>=2.5:2,>2:drop", "2.5", 2)]
    [InlineData("<=2:0,>=2.5:2,>2:1", "2.33", 1)]
    [InlineData("<2:0,>3:2", "2", null)]
    [InlineData("E:2,S:drop,I:0", "s", RatingMap.Drop)]
    public void MapsValuesToGrades(string? spec, string value, int? grade) =>
        Assert.Equal(grade, RatingMap.Parse(spec).Map(value));

    [Theory]
    [InlineData("1-4", "5")]
    [InlineData("1-4", "0")]
    [InlineData("1-4", "good")]
    [InlineData("1:0,2:1", "3")]
    [InlineData(null, "3")]
    public void UncoveredValuesAreNull(string? spec, string value) => Assert.Null(RatingMap.Parse(spec).Map(value));

    [Theory]
    [InlineData("4-1")]
    [InlineData("abc")]
    [InlineData("1:3")]
    [InlineData("1:0,1:2")]
    [InlineData(":1")]
    [InlineData("<=2:0,E:2")]
    [InlineData("<=x:0")]
    [InlineData(">2:3")]
    public void BadSpecsAreRejected(string spec)
    {
        var e = Assert.Throws<InvalidInputException>(() => RatingMap.Parse(spec));
        Assert.StartsWith($"LogColumnMapping.RatingMap '{spec}': ", e.Message);
        Assert.Equal([RatingMap.Setting], e.Settings);
    }
}
