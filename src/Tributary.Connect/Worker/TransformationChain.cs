using Tributary.Connect.Runtime.ErrorHandling;
using Tributary.Connect.Transforms;

namespace Tributary.Connect.Runtime.Worker;

/// <summary>One configured transformation with its optional predicate (<c>transforms.a.predicate</c>, <c>.negate</c>).</summary>
public sealed record TransformationStage(string Alias, string ClassName, ITransformation Transformation, IPredicate? Predicate, bool Negate)
{
    /// <summary>Applies the transformation when the predicate (negated as configured) holds, or when there is none.</summary>
    public ConnectRecord? Apply(ConnectRecord record)
    {
        if (Predicate is not null && Predicate.Test(record) == Negate)
        {
            return record;
        }
        return Transformation.Apply(record);
    }
}

/// <summary>
/// The SMT chain of a task (Kafka's <c>TransformationChain</c>): applies the stages in order, each under the
/// errors.* policy; a stage returning null drops the record (the rest are skipped). One task's thread at a time.
/// </summary>
public sealed class TransformationChain(IReadOnlyList<TransformationStage> stages) : IDisposable
{
    public IReadOnlyList<TransformationStage> Stages => stages;

    /// <summary>The transformed record, or null when dropped by a stage or when an error was tolerated (<paramref name="failed"/>).</summary>
    public ConnectRecord? Apply(ConnectRecord record, RetryWithToleranceOperator errors, FailedRecord? original, out bool failed)
    {
        failed = false;
        var current = record;
        foreach (var stage in stages)
        {
            var input = current;
            current = errors.Execute(() => stage.Apply(input), ErrorStage.TRANSFORMATION, stage.ClassName, original, input, out failed);
            if (failed || current is null)
            {
                return null;
            }
        }
        return current;
    }

    public void Dispose()
    {
        foreach (var stage in stages)
        {
            stage.Transformation.Dispose();
            stage.Predicate?.Dispose();
        }
    }
}
