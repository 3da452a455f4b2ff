package dev.sluice.workers.ingest;

import dev.sluice.core.failure.PortFailure;

/**
 * A failure no retry can mend (an unsupported type, a corrupt PDF): the state machine catches it
 * and marks the document FAILED with {@code code}, which MarkFailed reads back from the Lambda
 * error the execution carries (see {@link Failure}).
 */
public final class PermanentIngestException extends PortFailure {

    public PermanentIngestException(String code, String message) {
        super(code, Failure.onTheWire(code, message), false, null);
    }
}
