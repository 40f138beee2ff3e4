using System.Net;
using System.Net.Http.Headers;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests.Security;

/// <summary>/metrics shows every user's load and errors: only the admin key reads it; health stays open.</summary>
public sealed class MetricsAccessTests : ServerTest
{
    [Fact]
    public async Task Metrics_AreRefusedWithoutAKey_AndToAUsersApiKey_AndServedForTheAdminKey()
    {
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);

        using var user = Server.ApiClient(SevaServer.AliceKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/metrics")).StatusCode);

        using var admin = Server.ApiClient(SevaServer.MetricsKey);
        using var scrape = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("seva_", await scrape.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Metrics_AreRefusedToEveryone_WhenNoAdminKeyIsConfigured()
    {
        await using var server = new SevaServer(new Dictionary<string, string?> { ["Seva:Metrics:AdminKey"] = null });
        using var user = server.ApiClient(SevaServer.AliceKey);

        using var response = await user.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Seva:Metrics:AdminKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void AdminKey_ShorterThan16Characters_FailsValidation_NamingTheSetting()
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var options = new Seva.Web.ServiceDefaults.MetricsOptions { AdminKey = "short" };

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains("Seva:Metrics:AdminKey", results.Single().ErrorMessage, StringComparison.Ordinal);
    }
}
