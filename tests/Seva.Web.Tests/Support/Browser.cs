using System.Net;
using System.Text.RegularExpressions;

namespace Seva.Web.Tests.Support;

/// <summary>What a browser does on Seva's sign-in page: load the form, post it with its antiforgery token.</summary>
public static partial class Browser
{
    /// <summary>A client that keeps cookies and does not follow redirects (a sign-in answers 302).</summary>
    public static HttpClient Create(SevaServer server, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer() }) { BaseAddress = server.BaseAddress };

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string email, string password)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var form = await browser.GetStringAsync("/Account/Login");
        var token = Token().Match(form).Groups[1].Value;
        return await browser.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
        }));
    }

    /// <summary>Seva's own origin as a browser sends it in <c>Origin</c>.</summary>
    public static string Origin(SevaServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.BaseAddress.GetLeftPart(UriPartial.Authority);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
