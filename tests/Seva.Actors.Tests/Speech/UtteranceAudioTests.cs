using Seva.Actors.Speech.PocketSphinx;

namespace Seva.Actors.Tests.Speech;

public sealed class UtteranceAudioTests
{
    [Fact]
    public void WhileNobodySpeaks_OnlyThePreRollIsKept_AndItsStreamPositionMoves()
    {
        using var audio = new UtteranceAudio(preRollSamples: 100, maxSamples: 10_000);
        for (short i = 0; i < 50; i++)
        {
            audio.Append([.. Enumerable.Range(i * 10, 10).Select(v => (short)v)]);
            audio.TrimToPreRoll();
        }

        // 500 samples went in; the latest 100 are kept, and Start says where they began.
        Assert.Equal(100, audio.Samples.Length);
        Assert.Equal(500 - audio.Samples.Length, audio.Start);
        Assert.Equal(audio.Start, audio.Samples[0]);
        Assert.Equal(499, audio.Samples[^1]);
    }

    [Fact]
    public void AnUtteranceLongerThanTheLimit_IsNotComplete_UntilRestarted()
    {
        using var audio = new UtteranceAudio(preRollSamples: 10, maxSamples: 100);
        audio.Append(new short[60]);
        Assert.True(audio.Complete);
        audio.Append(new short[60]);
        Assert.False(audio.Complete);

        audio.Restart(position: 1234);
        Assert.False(audio.Complete); // nothing kept yet
        audio.Append(new short[5]);
        Assert.True(audio.Complete);
        Assert.Equal(1234, audio.Start);
        Assert.Equal(5, audio.Samples.Length);
    }
}

public sealed class WorkerLoadTests
{
    [Fact]
    public void BusyFraction_FollowsRecentWork_AndDecaysWhenIdle()
    {
        var load = new WorkerLoad();
        Assert.Equal(0, load.BusyFraction);
        for (var i = 0; i < 80; i++)
        {
            load.Report(TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(75)); // 8 s at 75% busy
        }

        Assert.InRange(load.BusyFraction, 0.7, 0.75);
        load.Report(TimeSpan.FromSeconds(4), TimeSpan.Zero); // then 4 s idle
        Assert.InRange(load.BusyFraction, 0.05, 0.15);
    }
}
