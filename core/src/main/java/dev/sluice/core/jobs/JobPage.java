package dev.sluice.core.jobs;

import java.util.List;

/** One page of a tenant's jobs; {@code cursor} is null on the last page. */
public record JobPage(List<Job> jobs, String cursor) {
}
