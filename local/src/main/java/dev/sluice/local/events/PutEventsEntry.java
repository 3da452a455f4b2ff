package dev.sluice.local.events;

import java.time.Instant;
import java.util.List;

/** One entry of a PutEvents request; any field may be missing (null), as on the wire. */
public record PutEventsEntry(String eventBusName, String source, String detailType, String detail,
        List<String> resources, Instant time) {
}
