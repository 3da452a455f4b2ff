package dev.sluice.core.jobs;

import java.util.regex.Pattern;

/**
 * What a job id looks like: a UUID in canonical form, as the API hands them out. An id of any other
 * shape names no job, so it is answered "not found" without a lookup (and can never exceed a key limit).
 */
public final class JobIds {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private JobIds() {
    }

    public static boolean valid(String jobId) {
        return jobId != null && UUID.matcher(jobId).matches();
    }
}
