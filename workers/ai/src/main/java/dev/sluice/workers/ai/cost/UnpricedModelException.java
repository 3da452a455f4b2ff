package dev.sluice.workers.ai.cost;

import dev.sluice.core.failure.PortFailure;
import java.util.Collection;

/**
 * A model with no price in configuration: its calls are never treated as free. Permanent, since a retry
 * finds the same table; thrown before the call (by the worst case), so nothing is spent unaccounted.
 */
public final class UnpricedModelException extends PortFailure {

    public UnpricedModelException(String modelId, Collection<String> priced) {
        super("unpriced_model", "model " + modelId + " has no price in the pricing table (priced: "
                + String.join(", ", priced) + "): add it to the configuration", false, null);
    }
}
