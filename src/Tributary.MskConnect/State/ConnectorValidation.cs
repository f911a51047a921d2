using Tributary.MskConnect.Messages;

namespace Tributary.MskConnect.State;

/// <summary>
/// MSK Connect's request rules (the API reference's constraints), each failure a BadRequestException naming the
/// member: capacity is exactly one of autoScaling and provisionedCapacity; mcuCount ∈ {1, 2, 4, 8}; worker counts
/// 1-10 with min ≤ max; CPU percentages 1-100; the other required members present.
/// </summary>
internal static class ConnectorValidation
{
    private static readonly int[] McuCounts = [1, 2, 4, 8];

    public static void Capacity(Capacity? capacity)
    {
        if (capacity is null)
        {
            throw MskConnectException.BadRequest("capacity is required.");
        }
        if ((capacity.AutoScaling is null) == (capacity.ProvisionedCapacity is null))
        {
            throw MskConnectException.BadRequest("capacity must specify exactly one of autoScaling and provisionedCapacity.");
        }
        if (capacity.ProvisionedCapacity is { } provisioned)
        {
            Mcu(provisioned.McuCount, "capacity.provisionedCapacity.mcuCount");
            Workers(provisioned.WorkerCount, "capacity.provisionedCapacity.workerCount");
            return;
        }
        var auto = capacity.AutoScaling!;
        Mcu(auto.McuCount, "capacity.autoScaling.mcuCount");
        Workers(auto.MinWorkerCount, "capacity.autoScaling.minWorkerCount");
        Workers(auto.MaxWorkerCount, "capacity.autoScaling.maxWorkerCount");
        if (auto.MinWorkerCount > auto.MaxWorkerCount)
        {
            throw MskConnectException.BadRequest(
                $"capacity.autoScaling.minWorkerCount ({auto.MinWorkerCount}) must be less than or equal to maxWorkerCount ({auto.MaxWorkerCount}).");
        }
        Percent(auto.ScaleInPolicy?.CpuUtilizationPercentage, "capacity.autoScaling.scaleInPolicy.cpuUtilizationPercentage");
        Percent(auto.ScaleOutPolicy?.CpuUtilizationPercentage, "capacity.autoScaling.scaleOutPolicy.cpuUtilizationPercentage");
        if (auto.ScaleInPolicy?.CpuUtilizationPercentage >= auto.ScaleOutPolicy?.CpuUtilizationPercentage)
        {
            throw MskConnectException.BadRequest("capacity.autoScaling.scaleInPolicy.cpuUtilizationPercentage must be less than scaleOutPolicy.cpuUtilizationPercentage.");
        }
    }

    public static void Required(object? value, string member)
    {
        if (value is null or "")
        {
            throw MskConnectException.BadRequest($"{member} is required.");
        }
    }

    public static void Name(string? name, string member)
    {
        Required(name, member);
        if (name!.Length > 128)
        {
            throw MskConnectException.BadRequest($"{member} must be at most 128 characters long.");
        }
    }

    private static void Mcu(int? value, string member)
    {
        Required(value, member);
        if (!McuCounts.Contains(value!.Value))
        {
            throw MskConnectException.BadRequest($"{member} must be one of 1, 2, 4 and 8, not {value}.");
        }
    }

    private static void Workers(int? value, string member)
    {
        Required(value, member);
        if (value is < 1 or > 10)
        {
            throw MskConnectException.BadRequest($"{member} must be between 1 and 10, not {value}.");
        }
    }

    private static void Percent(int? value, string member)
    {
        if (value is < 1 or > 100)
        {
            throw MskConnectException.BadRequest($"{member} must be between 1 and 100, not {value}.");
        }
    }
}
