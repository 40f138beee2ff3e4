using Seva.Actors.Hosting.Dapr;
using Seva.Web.Components;
using Seva.Web.Features.Accounts;
using Seva.Web.Features.ApiKeys;
using Seva.Web.Features.AwsCompat;
using Seva.Web.Features.Broadcast;
using Seva.Web.Features.Dictation;
using Seva.Web.Features.Security;
using Seva.Web.Features.StorageCopy;
using Seva.Web.Features.Transcriptions;
using Seva.Web.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSevaUi();
builder.AddSecurity();
builder.AddAccounts();
builder.AddApiKeys();
builder.AddDictation();
builder.AddBroadcast();
builder.AddAwsCompat();
builder.AddStorageCopy();
builder.Services.AddSevaHosting(builder.Configuration);

var app = builder.Build();
if (await app.RunStorageCopyIfAskedAsync() is { } exitCode)
{
    return exitCode;
}

app.MapAwsCompat();
app.UseSecurity();
app.MapSevaHosting();
app.UseSevaUi();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapAccounts();
app.MapDictationApi();
app.MapBroadcastApi();
app.MapTranscriptionsApi();
app.MapDefaultEndpoints();
app.MapSevaUi();
app.Run();
return 0;

/// <summary>Entry point, visible to integration tests (WebApplicationFactory).</summary>
public partial class Program;
