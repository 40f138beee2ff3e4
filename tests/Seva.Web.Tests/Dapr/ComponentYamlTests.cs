using static Seva.Web.Tests.Dapr.Support.DaprResourceFiles;

namespace Seva.Web.Tests.Dapr;

/// <summary>The component YAML in components/ against what components-contrib declares for each
/// component (its metadata.yaml: type, version, required metadata, capabilities).</summary>
public sealed class ComponentYamlTests
{
    // From dapr/components-contrib: state/redis, state/postgresql/v2, state/aws/dynamodb, pubsub/redis
    // metadata.yaml. PostgreSQL's connectionString is required by its "Connection string" profile.
    public static TheoryData<string, string, string, string, string[]> Components => new()
    {
        { "components/pubsub-redis.yaml", "seva-pubsub", "pubsub.redis", "v1", ["redisHost"] },
        { "components/redis/statestore-redis.yaml", "seva-statestore", "state.redis", "v1", ["redisHost"] },
        { "components/postgresql/statestore-postgresql.yaml", "seva-statestore", "state.postgresql", "v2", ["connectionString"] },
        { "components/dynamodb/statestore-dynamodb.yaml", "seva-statestore", "state.aws.dynamodb", "v1", ["table"] },
    };

    // Metadata that holds a secret somewhere: it must come from the environment or a secret store.
    private static readonly string[] SecretNames =
        ["redisPassword", "sentinelPassword", "password", "connectionString", "accessKey", "secretKey", "sessionToken"];

    [Theory]
    [MemberData(nameof(Components))]
    public void Component_NamesItsTypeVersionAndRequiredMetadata(string file, string name, string type, string version, string[] required)
    {
        var component = OnlyDocument(file);

        Assert.Equal("dapr.io/v1alpha1", Text(component, "apiVersion"));
        Assert.Equal("Component", Text(component, "kind"));
        Assert.Equal(name, Text(component["metadata"], "name"));
        Assert.Equal(type, Text(component["spec"], "type"));
        Assert.Equal(version, Text(component["spec"], "version"));
        var metadata = Metadata(component);
        Assert.All(required, r => Assert.True(metadata.ContainsKey(r), $"{file} lacks required metadata {r}"));
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Component_EachMetadataEntryHasOneSource_AndNoSecretIsWrittenInTheFile(string file, string name, string type, string version, string[] required)
    {
        _ = (name, type, version, required);
        foreach (var (key, entry) in Metadata(OnlyDocument(file)))
        {
            var sources = new[] { "value", "envRef", "secretKeyRef" }.Count(s => entry[s] is not null);
            Assert.True(sources == 1, $"{file}: metadata {key} must have exactly one of value, envRef, secretKeyRef");
            if (SecretNames.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                Assert.True(entry["value"] is null, $"{file}: {key} is a secret; use envRef or secretKeyRef");
            }

            // daprd refuses envRef names starting with DAPR_ (pkg/runtime/processor/secret isEnvVarAllowed).
            Assert.False(Text(entry, "envRef")?.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase) ?? false, $"{file}: {key}");
        }
    }

    [Fact]
    public void EveryStateStore_IsUsableAsTheActorStateStore_UnderTheOneComponentName()
    {
        var stores = Directory.EnumerateFiles(PathOf("components"), "statestore-*.yaml", SearchOption.AllDirectories).ToList();

        Assert.Equal(3, stores.Count);
        Assert.All(stores, path =>
        {
            var component = Assert.Single(Documents(path));
            Assert.True(IsActorStateStore(component), $"{path} does not set actorStateStore \"true\"");
            Assert.Equal("seva-statestore", Text(component["metadata"], "name"));
        });
    }

    [Fact]
    public void ComponentsFolder_LoadedAlone_HoldsThePubSubAndNoStateStore()
    {
        // Why the state stores live in sub-folders: daprd does not read sub-folders, so every
        // choice of store adds exactly one folder to the pub/sub's.
        var loaded = ComponentsLoadedFrom([PathOf("components")]);

        var only = Assert.Single(loaded);
        Assert.Equal("pubsub.redis", Text(only.Component["spec"], "type"));
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("postgresql")]
    [InlineData("dynamodb")]
    public void EachStateStoreChoice_LoadsExactlyOneActorStateStore_BesideThePubSub(string choice)
    {
        var loaded = ComponentsLoadedFrom([PathOf("components"), PathOf(Path.Combine("components", choice))]);

        Assert.Single(loaded, c => IsActorStateStore(c.Component));
        Assert.Equal(["seva-pubsub", "seva-statestore"], loaded.Select(c => Text(c.Component["metadata"], "name")).Order());
    }

    [Fact]
    public void DynamoDb_NamesAnAttributeForStateTtls_ElseItIgnoresThem()
    {
        // components-contrib state/aws/dynamodb: ttlInSeconds is dropped unless ttlAttributeName is set,
        // and an ended broadcast's state would then never expire.
        var metadata = Metadata(OnlyDocument("components/dynamodb/statestore-dynamodb.yaml"));

        Assert.False(string.IsNullOrWhiteSpace(Text(metadata["ttlAttributeName"], "value")));
    }

    [Fact]
    public void Components_HaveUniqueNames_WithinEachLoadedSet()
    {
        // daprd rejects two manifests of one name in the folders it loads (disk loader filterManifests).
        foreach (var choice in new[] { "redis", "postgresql", "dynamodb" })
        {
            var names = ComponentsLoadedFrom([PathOf("components"), PathOf(Path.Combine("components", choice))])
                .Select(c => Text(c.Component["metadata"], "name"))
                .ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
        }
    }
}
