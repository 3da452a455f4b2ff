package dev.sluice.core.keys;

/**
 * An API Gateway usage plan for one key: a token bucket refilled at {@code ratePerSecond} holding at
 * most {@code burst} requests, and a number of requests per calendar month (UTC).
 */
public record UsageLimits(double ratePerSecond, int burst, long monthlyQuota) {

    public static final UsageLimits DEFAULT = new UsageLimits(100, 50, 10_000);

    public UsageLimits {
        if (ratePerSecond <= 0 || burst < 1 || monthlyQuota < 1) {
            throw new IllegalArgumentException("rate, burst and quota must be positive");
        }
    }
}
