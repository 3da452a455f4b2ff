package dev.sluice.cli.operations;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A lane worker that keeps the bodies it was given: what reached the email and analytics queues. */
public final class RecordingWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        event.getRecords().forEach(m -> RECEIVED.add(m.getEventSourceArn().substring(
                m.getEventSourceArn().lastIndexOf(':') + 1) + " " + m.getBody()));
        return SQSBatchResponse.builder().withBatchItemFailures(List.of()).build();
    }
}
