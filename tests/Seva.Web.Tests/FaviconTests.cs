using System.Net;
using System.Text.RegularExpressions;
using Seva.Web.Tests.Support;

namespace Seva.Web.Tests;

public sealed partial class FaviconTests : ServerTest
{
    [Fact]
    public async Task FaviconIco_AnswersWithAnIcon()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        using var response = await http.GetAsync(new Uri("/favicon.ico", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("image/", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes[..4]); // an ICO directory: reserved 0, type 1 (icon)
    }

    [Fact]
    public async Task Pages_LinkAnIcon_ThatAnswersWithAnImage()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        var html = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        var href = IconLink().Match(html);
        Assert.True(href.Success, "the page links no icon");

        using var response = await http.GetAsync(new Uri(href.Groups["href"].Value, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("image/", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [GeneratedRegex("<link rel=\"icon\"[^>]*href=\"(?<href>[^\"]+)\"")]
    private static partial Regex IconLink();
}
