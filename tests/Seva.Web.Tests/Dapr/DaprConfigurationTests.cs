using System.Globalization;
using System.Text.Json.Nodes;
using static Seva.Web.Tests.Dapr.Support.DaprResourceFiles;

namespace Seva.Web.Tests.Dapr;

/// <summary>dapr/config.yaml, dapr/resiliency.yaml and the multi-app run file dapr.yaml.</summary>
public sealed class DaprConfigurationTests
{
    private static readonly string[] ActorTypes = ["DictationActor", "BroadcastActor"];

    // The fields of daprd's ConfigurationSpec (dapr/dapr pkg/config/configuration.go). Anything else
    // is ignored without a word, which is how an actor setting written here would be lost.
    private static readonly string[] ConfigurationFields =
    [
        "httpPipeline", "appHttpPipeline", "tracing", "mtls", "metric", "metrics", "secrets", "accessControl",
        "nameResolution", "features", "api", "components", "logging", "wasm", "workflow",
    ];

    [Fact]
    public void Config_UsesOnlyFieldsDaprdReads_AndLeavesActorSettingsToTheApp()
    {
        var config = OnlyDocument("dapr/config.yaml");

        Assert.Equal("dapr.io/v1alpha1", Text(config, "apiVersion"));
        Assert.Equal("Configuration", Text(config, "kind"));
        var spec = config["spec"]!.AsObject();
        Assert.All(spec, field => Assert.Contains(field.Key, ConfigurationFields));
        Assert.DoesNotContain("actorIdleTimeout", config.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("reentrancy", config.ToJsonString().Replace("Actor.Reentrancy", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Config_DoesNotTurnReentrancyOn()
    {
        // Reentrancy was once a feature flag (Actor.Reentrancy); one call at a time per session is the rule.
        var features = OnlyDocument("dapr/config.yaml")["spec"]?["features"] as JsonArray ?? [];

        Assert.DoesNotContain(features.OfType<JsonObject>(), f =>
            Text(f, "name") == "Actor.Reentrancy" && Text(f, "enabled") == "true");
    }

    [Fact]
    public void Config_TurnsActorStateTtlOn_ForAnEndedBroadcastsStateToExpire()
    {
        // daprd refuses actor state written with ttlInSeconds unless this feature is on
        // (pkg/actors/state TransactionalStateOperation), and a broadcast's state carries one.
        var features = OnlyDocument("dapr/config.yaml")["spec"]?["features"] as JsonArray ?? [];

        Assert.Contains(features.OfType<JsonObject>(), f => Text(f, "name") == "ActorStateTTL" && Text(f, "enabled") == "true");
    }

    [Fact]
    public void Config_TracesToAnOtlpCollector_WithASamplingRateBetweenZeroAndOne()
    {
        var tracing = OnlyDocument("dapr/config.yaml")["spec"]!["tracing"]!;

        var rate = double.Parse(Text(tracing, "samplingRate")!, CultureInfo.InvariantCulture);
        Assert.InRange(rate, 0, 1);
        Assert.False(string.IsNullOrWhiteSpace(Text(tracing["otel"], "endpointAddress")));
        Assert.Contains(Text(tracing["otel"], "protocol"), new[] { "grpc", "http" });
    }

    [Fact]
    public void Resiliency_TargetsTheLoadedComponentsAndSevasActors_WithPoliciesThatExist()
    {
        var runFile = OnlyDocument("dapr.yaml");
        var folders = ResourcesPaths(runFile);
        var resiliency = Assert.Single(ResourcesLoadedFrom(folders, "Resiliency")).Resource;
        var components = ComponentsLoadedFrom(folders).Select(c => Text(c.Component["metadata"], "name")).ToHashSet();
        var policies = resiliency["spec"]!["policies"]!;
        var targets = resiliency["spec"]!["targets"]!;

        var componentTargets = targets["components"]!.AsObject();
        Assert.Contains("seva-statestore", componentTargets.Select(t => t.Key));
        Assert.Contains("seva-pubsub", componentTargets.Select(t => t.Key));
        Assert.All(componentTargets, t => Assert.Contains(t.Key, components));
        var actorTargets = targets["actors"]!.AsObject();
        Assert.Equal(ActorTypes.Order(), actorTargets.Select(t => t.Key).Order());

        var named = componentTargets.SelectMany(t => new[] { t.Value!["inbound"], t.Value!["outbound"] })
            .Concat(actorTargets.Select(t => t.Value))
            .OfType<JsonObject>();
        foreach (var target in named)
        {
            AssertNamed(policies, "timeouts", Text(target, "timeout"));
            AssertNamed(policies, "retries", Text(target, "retry"));
            AssertNamed(policies, "circuitBreakers", Text(target, "circuitBreaker"));
        }

        // daprd refuses an actor breaker without a scope (pkg/resiliency/resiliency.go).
        Assert.All(actorTargets.Select(t => t.Value!.AsObject()).Where(t => t["circuitBreaker"] is not null),
            t => Assert.Contains(Text(t, "circuitBreakerScope"), new[] { "type", "id", "both" }));
    }

    [Fact]
    public void Resiliency_DoesNotRetryActorCalls()
    {
        // daprd's actor retry repeats the app's method too: an audio chunk would be transcribed twice.
        var targets = OnlyDocument("dapr/resiliency.yaml")["spec"]!["targets"]!["actors"]!.AsObject();

        Assert.All(targets, t => Assert.Null(t.Value!["retry"]));
    }

    [Fact]
    public void RunFile_StartsTwoWebHostsAndOneActorHost_OnDistinctIdsPortsAndDataDirectories()
    {
        var runFile = OnlyDocument("dapr.yaml");
        var apps = Apps(runFile);

        Assert.Equal("1", Text(runFile, "version"));
        Assert.Equal(["seva-actors", "seva-web-1", "seva-web-2"], apps.Select(a => Text(a, "appID")).Order());
        Assert.Equal(apps.Count, apps.Select(a => Text(a, "appPort")).Distinct().Count());
        Assert.All(apps, app => Assert.Contains($"127.0.0.1:{Text(app, "appPort")}",
            string.Join(' ', (app["command"] as JsonArray ?? []).Select(c => c!.ToString()))));
        Assert.Equal(apps.Count, apps.Select(a => Env(runFile, a)["Seva__Database__HostId"]).Distinct().Count());
        Assert.Equal(apps.Count, apps.Select(a => Env(runFile, a)["Seva__DataDirectory"]).Distinct().Count());
    }

    [Fact]
    public void RunFile_RunsEveryAppInDaprMode_WithItsRole()
    {
        var runFile = OnlyDocument("dapr.yaml");

        foreach (var app in Apps(runFile))
        {
            var env = Env(runFile, app);
            Assert.Equal("Dapr", env["Seva__Hosting__Mode"]);
            var expected = Text(app, "appID")!.StartsWith("seva-web-", StringComparison.Ordinal) ? "Web" : "Actors";
            Assert.Equal(expected, env["Seva__Hosting__Roles"]);
        }
    }

    [Fact]
    public void RunFile_LoadsExactlyOneActorStateStore_AndThePubSub()
    {
        var loaded = ComponentsLoadedFrom(ResourcesPaths(OnlyDocument("dapr.yaml")));

        Assert.Single(loaded, c => IsActorStateStore(c.Component));
        Assert.Single(loaded, c => Text(c.Component["spec"], "type")!.StartsWith("pubsub.", StringComparison.Ordinal));
    }

    [Fact]
    public void RunFile_NamesPathsThatExist_AndNoSecrets()
    {
        var runFile = OnlyDocument("dapr.yaml");

        Assert.True(File.Exists(PathOf(Text(runFile["common"], "configFilePath")!)));
        Assert.All(ResourcesPaths(runFile), folder => Assert.True(Directory.Exists(folder), folder));
        Assert.All(Apps(runFile), app => Assert.True(Directory.Exists(PathOf(Text(app, "appDirPath")!))));
        var everyEnv = Apps(runFile).SelectMany(a => Env(runFile, a));
        Assert.DoesNotContain(everyEnv, kv => kv.Key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase)
            || kv.Key.Contains("SECRET", StringComparison.OrdinalIgnoreCase) || kv.Key.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase));
    }

    private static void AssertNamed(JsonNode policies, string kind, string? name)
    {
        if (name is not null)
        {
            Assert.True(policies[kind]?[name] is not null, $"policy {kind}.{name} is not defined");
        }
    }

    private static List<JsonObject> Apps(JsonObject runFile) => [.. (runFile["apps"] as JsonArray ?? []).OfType<JsonObject>()];

    /// <summary>The Dapr CLI's merge: an app's env wins over common's (pkg/runfileconfig mergeCommonAndAppsEnv).</summary>
    private static Dictionary<string, string> Env(JsonObject runFile, JsonObject app)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in new[] { runFile["common"]?["env"], app["env"] }.OfType<JsonObject>())
        {
            foreach (var (key, value) in source)
            {
                env[key] = value!.ToString();
            }
        }

        return env;
    }

    /// <summary>common.resourcesPaths, relative to the run file (no app sets its own here).</summary>
    private static List<string> ResourcesPaths(JsonObject runFile)
    {
        Assert.All(Apps(runFile), app => Assert.Null(app["resourcesPaths"]));
        return [.. (runFile["common"]!["resourcesPaths"] as JsonArray ?? []).Select(p => Path.GetFullPath(PathOf(p!.ToString())))];
    }
}
