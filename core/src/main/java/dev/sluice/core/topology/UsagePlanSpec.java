package dev.sluice.core.topology;

/**
 * An API Gateway usage plan: a token bucket per API key ({@code throttle}: refilled at
 * {@code rateLimit} requests per second, holding at most {@code burstLimit}) and a number of requests
 * per key per calendar period in UTC ({@code quota}). Either may be absent: no limit of that kind.
 * An API key belongs to one plan, which it names.
 */
public record UsagePlanSpec(String name, String description, Throttle throttle, Quota quota) {

    /** The plan a key gets unless it names another. */
    public static final String DEFAULT = "default";
    /** API Gateway's default account-level throttle, which no usage plan may exceed. */
    public static final double MAX_RATE_LIMIT = 10_000;
    public static final int MAX_BURST_LIMIT = 5_000;

    public record Throttle(double rateLimit, int burstLimit) {
    }

    public record Quota(long limit, Period period) {
    }

    public enum Period { DAY, WEEK, MONTH }
}
