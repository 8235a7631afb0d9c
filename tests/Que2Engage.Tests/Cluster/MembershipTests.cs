using System.Net;
using Que2Engage.Cluster;

namespace Que2Engage.Tests.Cluster;

/// <summary><see cref="Membership.Validate"/>: Redis, or development clustering, never both; named as settings.</summary>
public class MembershipTests
{
    [Fact]
    public void RedisExcludesAPrimaryAndGateways()
    {
        var endpoint = IPEndPoint.Parse("127.0.0.1:11111");
        var primary = Assert.Throws<InvalidInputException>(new Membership { Redis = "127.0.0.1:6379", Primary = endpoint }.Validate);
        Assert.Equal("give Membership.Primary or Membership.Redis, not both.", primary.Message);
        Assert.Equal(["Membership.Primary", "Membership.Redis"], primary.Settings);
        var gateways = Assert.Throws<InvalidInputException>(new Membership { Redis = "127.0.0.1:6379", Gateways = [endpoint] }.Validate);
        Assert.Equal(["Membership.Gateways", "Membership.Redis"], gateways.Settings);

        new Membership { Redis = "127.0.0.1:6379" }.Validate();
        new Membership { Primary = endpoint, Gateways = [endpoint] }.Validate();
        new Membership().Validate();
    }
}
