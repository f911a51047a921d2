namespace Tributary.Connect.Runtime.ErrorHandling;

/// <summary>Where in a task's pipeline an error happened (Kafka's <c>Stage</c>; the DLQ header <c>__connect.errors.stage</c> carries the name).</summary>
public enum ErrorStage
{
    TASK_POLL,
    TASK_PUT,
    TRANSFORMATION,
    KEY_CONVERTER,
    VALUE_CONVERTER,
    HEADER_CONVERTER,
    KAFKA_PRODUCE,
    KAFKA_CONSUME,
}
