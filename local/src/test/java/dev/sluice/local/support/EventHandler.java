package dev.sluice.local.support;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;

/**
 * A Lambda target of a rule, taking the EventBridge event as aws-lambda-java-events' type (which
 * only Lambda's own serializers fill correctly: "detail-type" into detailType). It answers with
 * what it read, and throws when the detail asks it to.
 */
public final class EventHandler implements RequestHandler<ScheduledEvent, String> {

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        if (Boolean.TRUE.equals(event.getDetail().get("throw"))) {
            throw new IllegalStateException("scripted to throw");
        }
        return event.getSource() + "|" + event.getDetailType() + "|" + event.getDetail().get("marker") + "|"
                + event.getAccount() + "|" + context.getFunctionName();
    }
}
