using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Seva.Actors.Broadcast;

namespace Seva.Actors.Tests.Broadcast;

public sealed class BroadcastIdsTests
{
    [Property(MaxTest = 100)]
    public bool Next_IsReadable_AndNeverOneOfTheLiveIds(int seed, PositiveInt live)
    {
        var random = new Random(seed);
        var taken = new HashSet<string>();
        for (var i = 0; i < Math.Min(live.Get, 2000); i++)
        {
            taken.Add(BroadcastIds.Next(taken.Contains, random));
        }

        var id = BroadcastIds.Next(taken.Contains, random);
        return BroadcastIds.IsWellFormed(id) && !taken.Contains(id);
    }

    [Fact]
    public void Example_LooksLikeTheDesign() => Assert.True(BroadcastIds.IsWellFormed("golden-eagle-427"));
}

public sealed class BroadcastControlsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static Gen<BroadcastState> States() =>
        from paused in ArbMap.Default.GeneratorFor<bool>()
        from muted in ArbMap.Default.GeneratorFor<bool>()
        from volume in Gen.Choose(0, 100)
        select new BroadcastState(true, paused, muted, volume / 100.0, T0);

    private static Gen<(string Action, BroadcastStateChange Change)> Actions() =>
        from action in Gen.Elements(BroadcastControls.All.ToArray())
        from paused in Gen.Elements<bool?>(null, true, false)
        from muted in Gen.Elements<bool?>(null, true, false)
        from volume in Gen.Elements<double?>(null, 0.0, 0.5, 1.0, -0.1, 1.5, double.NaN)
        select (action, new BroadcastStateChange(paused, muted, volume));

    [Property(MaxTest = 300)]
    public Property Listener_IsAlwaysRefusedWith403() => Prop.ForAll(States().ToArbitrary(), Actions().ToArbitrary(), (state, a) =>
    {
        var ex = Assert.Throws<BroadcastException>(() => BroadcastControls.Apply(state, BroadcastRole.Listener, a.Action, a.Change, T0.AddSeconds(1)));
        return ex.Error.Code == 403;
    });

    [Property(MaxTest = 300)]
    public Property Speaker_GetsTheStateAskedFor_Or400ForABadVolume() => Prop.ForAll(States().ToArbitrary(), Actions().ToArbitrary(), (state, a) =>
    {
        var badVolume = a.Change.Volume is { } v && (double.IsNaN(v) || v < 0 || v > 1);
        var missingVolume = a.Action == BroadcastControls.SetVolume && a.Change.Volume is null;
        BroadcastState next;
        try
        {
            next = BroadcastControls.Apply(state, BroadcastRole.Speaker, a.Action, a.Change, T0.AddSeconds(1));
        }
        catch (BroadcastException ex)
        {
            return (badVolume || missingVolume) && ex.Error.Code == 400;
        }

        if (badVolume || missingVolume)
        {
            return false;
        }

        var expected = a.Action switch
        {
            BroadcastControls.PauseBroadcast => state with { IsPaused = true },
            BroadcastControls.ResumeBroadcast => state with { IsPaused = false },
            BroadcastControls.MuteBroadcast => state with { IsMuted = true },
            BroadcastControls.UnmuteBroadcast => state with { IsMuted = false },
            BroadcastControls.SetVolume => state with { Volume = a.Change.Volume!.Value },
            _ => state with { IsPaused = a.Change.IsPaused ?? state.IsPaused, IsMuted = a.Change.IsMuted ?? state.IsMuted, Volume = a.Change.Volume ?? state.Volume },
        };
        var changed = expected != state;
        return next with { LastStateChange = T0 } == expected
            && next.LastStateChange == (changed ? T0.AddSeconds(1) : T0)
            && next.IsLive == (!next.IsPaused && !next.IsMuted);
    });

    [Fact]
    public void EndedBroadcast_Is404()
    {
        var ended = BroadcastState.Started(T0) with { IsActive = false };
        var ex = Assert.Throws<BroadcastException>(() => BroadcastControls.Apply(ended, BroadcastRole.Speaker, BroadcastControls.PauseBroadcast, new(), T0));
        Assert.Equal(404, ex.Error.Code);
    }

    [Fact]
    public void UnknownAction_Is400ListingTheControls()
    {
        var ex = Assert.Throws<BroadcastException>(() => BroadcastControls.Apply(BroadcastState.Started(T0), BroadcastRole.Speaker, "dance", new(), T0));
        Assert.Equal(400, ex.Error.Code);
        Assert.Contains(BroadcastControls.SetVolume, ex.Error.Message, StringComparison.Ordinal);
    }
}

public sealed class StatusTriggerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Property(MaxTest = 200)]
    public bool Distribution_CountsEveryListenerOnce(byte[] languages)
    {
        var list = (languages ?? []).Select(b => new[] { "es", "fr", "pt", "it" }[b % 4]).ToList();
        var distribution = StatusTrigger.Distribution(list);
        return distribution.Values.Sum() == list.Count && distribution.All(kv => kv.Value == list.Count(l => l == kv.Key));
    }

    [Fact]
    public void NewLanguage_TriggersAStatus()
    {
        var trigger = new StatusTrigger(new BroadcastOptions().StatusPeriod);
        var es = StatusTrigger.Distribution(Enumerable.Repeat("es", 20));
        trigger.Reported(es, T0);
        Assert.Null(trigger.Check(es, T0.AddSeconds(1)));
        var withFrench = StatusTrigger.Distribution([.. Enumerable.Repeat("es", 20), "fr"]);
        Assert.Equal(StatusReasons.NewLanguage, trigger.Check(withFrench, T0.AddSeconds(2)));
    }

    [Theory]
    [InlineData(20, 22, null)]                                  // +10%: not more than 10%
    [InlineData(20, 23, StatusReasons.ListenerCountChange)]     // +15%
    [InlineData(20, 17, StatusReasons.ListenerCountChange)]     // -15%
    [InlineData(10, 12, StatusReasons.ListenerCountChange)]     // +20%
    [InlineData(0, 1, StatusReasons.NewLanguage)]               // the first listener also brings the first language
    [InlineData(5, 5, null)]
    public void ListenerCountChange_OverTenPercent_TriggersAStatus(int before, int after, string? expected)
    {
        var trigger = new StatusTrigger(new BroadcastOptions().StatusPeriod);
        trigger.Reported(StatusTrigger.Distribution(Enumerable.Repeat("es", before)), T0);
        Assert.Equal(expected, trigger.Check(StatusTrigger.Distribution(Enumerable.Repeat("es", after)), T0.AddSeconds(5)));
    }

    [Fact]
    public void ThirtySecondsWithoutAStatus_TriggersAPeriodicOne()
    {
        var trigger = new StatusTrigger(new BroadcastOptions().StatusPeriod);
        var d = StatusTrigger.Distribution(["es"]);
        trigger.Reported(d, T0);
        Assert.Null(trigger.Check(d, T0.AddSeconds(29)));
        Assert.Equal(StatusReasons.Periodic, trigger.Check(d, T0.AddSeconds(30)));
    }
}
