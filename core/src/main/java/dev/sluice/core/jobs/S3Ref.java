package dev.sluice.core.jobs;

/** A claim check: a body too large to travel inline lives in S3. */
public record S3Ref(String bucket, String key, long size) {
}
