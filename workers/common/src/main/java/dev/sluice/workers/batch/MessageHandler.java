package dev.sluice.workers.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;

/** The work for one SQS message. Throwing marks that message, and only it, for redelivery. */
@FunctionalInterface
public interface MessageHandler {

    void handle(SQSEvent.SQSMessage message, Context context) throws Exception;
}
