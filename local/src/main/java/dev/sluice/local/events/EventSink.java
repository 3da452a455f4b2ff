package dev.sluice.local.events;

import java.util.List;

/** Where local AWS services put their events, the way S3 or Step Functions put theirs on a bus. */
@FunctionalInterface
public interface EventSink {

    /**
     * @param busName    "default" for AWS service events
     * @param detail     a JSON object, as text
     * @param resources  ARNs the event is about
     */
    void put(String busName, String source, String detailType, String detail, List<String> resources);
}
