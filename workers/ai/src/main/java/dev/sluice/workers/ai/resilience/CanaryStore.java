package dev.sluice.workers.ai.resilience;

import dev.sluice.workers.ai.gateway.Route;

/** A route's canary as every instance sees it: the share it gets now, and the outcomes of its calls. */
public interface CanaryStore {

    /** The percent of the route's traffic its candidate gets now: 0 after a rollback, else the configured one. */
    int percent(Route route);

    /** Counts one call to the candidate, and rolls the canary back when that call tips the window over a limit. */
    void record(Route route, CanaryOutcome outcome);
}
