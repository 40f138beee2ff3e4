using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Seva.Actors.Dictation;
using Seva.Web.Features.Dictation;

namespace Seva.Web.Tests.Components;

/// <summary>The transcript display's rules, from the original design: a partial never adds a segment,
/// a final adds exactly one and replaces its partial, and text is joined with single spaces.</summary>
public sealed class TranscriptModelProperties
{
    private static readonly string[] Words = ["the", "patient", "is", "well", "blood", "pressure", ".", ",", "ok?", "  spaced  out  "];

    private static Gen<List<DictationResult>> Results() =>
        from count in Gen.Choose(0, 40)
        from items in Gen.ListOf(
            from segment in Gen.Choose(0, 5)
            from partial in ArbMap.Default.GeneratorFor<bool>()
            from text in Gen.Elements(Words)
            select new DictationResult($"s{segment}", partial, text, 0.9, 0, 1), count)
        select items.ToList();

    [Property(MaxTest = 200)]
    public Property Partial_NeverAddsASegment() => Prop.ForAll(Results().ToArbitrary(), results =>
    {
        var model = new TranscriptModel();
        foreach (var r in results)
        {
            var before = model.Segments.Count;
            model.Apply(r);
            if (r.IsPartial && model.Segments.Count != before)
            {
                return false;
            }
        }

        return true;
    });

    [Property(MaxTest = 200)]
    public Property Final_AddsExactlyOneSegmentOnce_AndReplacesItsPartial() => Prop.ForAll(Results().ToArbitrary(), results =>
    {
        var model = new TranscriptModel();
        var finalised = new HashSet<string>();
        foreach (var r in results)
        {
            var before = model.Segments.Count;
            var partialBefore = model.PartialSegmentId;
            model.Apply(r);
            if (!r.IsPartial)
            {
                var expected = finalised.Add(r.SegmentId) && r.Text.Trim().Length > 0 ? 1 : 0;
                if (model.Segments.Count - before != expected)
                {
                    return false;
                }

                if (partialBefore == r.SegmentId && model.Partial.Length != 0)
                {
                    return false;
                }
            }
        }

        return true;
    });

    [Property(MaxTest = 200)]
    public Property Join_HasNoDoubleSpacesNorSpaceBeforePunctuation() => Prop.ForAll(Gen.ListOf(Gen.Elements(Words)).ToArbitrary(), pieces =>
    {
        var text = TranscriptModel.Join(pieces);
        return !text.Contains("  ", StringComparison.Ordinal)
            && !text.StartsWith(' ') && !text.EndsWith(' ')
            && !text.Contains(" .", StringComparison.Ordinal) && !text.Contains(" ,", StringComparison.Ordinal);
    });

    [Fact]
    public void Join_Examples()
    {
        Assert.Equal("the patient is well.", TranscriptModel.Join(["the patient", "is well", "."]));
        Assert.Equal("blood pressure, normal", TranscriptModel.Join([" blood  pressure", ",", "normal "]));
    }
}
