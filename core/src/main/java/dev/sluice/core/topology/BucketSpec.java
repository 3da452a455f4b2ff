package dev.sluice.core.topology;

/**
 * An S3 bucket. {@code eventBridge} mirrors the bucket's EventBridge notification switch:
 * only then does S3 put "Object Created"/"Object Deleted" events on the default bus.
 */
public record BucketSpec(String name, boolean eventBridge) {
}
