namespace Tributary.Jq;
