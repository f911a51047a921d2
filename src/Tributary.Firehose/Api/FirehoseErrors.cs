using Tributary.Aws;
using Tributary.Firehose.Model;

namespace Tributary.Firehose.Api;

/// <summary>Firehose's modelled errors as AWS answers them: every modelled exception is HTTP 400 except ServiceUnavailableException (503).</summary>
public static class FirehoseErrors
{
    public const string ServiceUnavailable = "ServiceUnavailableException";

    /// <summary>The registry's failure as the AWS error the client receives.</summary>
    public static AwsErrorException From(DeliveryException exception) =>
        new(exception.ErrorType, exception.Message, StatusOf(exception.ErrorType));

    public static int StatusOf(string errorType) => errorType switch
    {
        ServiceUnavailable => 503,
        "InternalFailure" => 500,
        _ => 400,
    };

    public static AwsErrorException StreamNotFound(string name, FirehoseOptions options) =>
        AwsErrorException.ResourceNotFound($"Firehose {name} under account {options.AccountId} not found.");
}
