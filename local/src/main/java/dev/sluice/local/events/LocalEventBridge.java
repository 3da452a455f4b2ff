package dev.sluice.local.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.AwsIdentity;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.event.ruler.Machine;

/**
 * The local EventBridge: the topology's buses and rules, matched with AWS Event Ruler. An accepted
 * event is archived, then handed to {@link TargetDelivery} for every target of every matching rule.
 */
public final class LocalEventBridge implements EventSink {

    private static final System.Logger LOG = System.getLogger(LocalEventBridge.class.getName());

    private final AwsIdentity identity;
    private final EventArchive archive;
    private final TargetDelivery delivery;
    private final Map<String, Bus> buses = new LinkedHashMap<>();

    private record Bus(String name, Machine machine, Map<String, RuleSpec> rules) {
    }

    public LocalEventBridge(Topology topology, AwsIdentity identity, EventArchive archive, TargetDelivery delivery) {
        this.identity = identity;
        this.archive = archive;
        this.delivery = delivery;
        for (String name : topology.allEventBuses()) {
            buses.put(name, new Bus(name, Machine.builder().build(), new LinkedHashMap<>()));
        }
        for (RuleSpec rule : topology.rules()) {
            Bus bus = buses.get(rule.eventBus());
            try {
                bus.machine().addRule(rule.name(), rule.eventPattern());
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("rule " + rule.name() + ": " + e.getMessage(), e);
            }
            bus.rules().put(rule.name(), rule);
        }
    }

    public AwsIdentity identity() {
        return identity;
    }

    public List<String> busNames() {
        return List.copyOf(buses.keySet());
    }

    /** The rules of a bus, or empty when there is no such bus. */
    public Optional<List<RuleSpec>> rules(String bus) {
        return Optional.ofNullable(buses.get(bus)).map(b -> List.copyOf(b.rules().values()));
    }

    public List<PutEventsResult> putEvents(List<PutEventsEntry> entries) {
        List<PutEventsResult> results = new ArrayList<>(entries.size());
        for (PutEventsEntry entry : entries) {
            results.add(put(entry));
        }
        return results;
    }

    @Override
    public void put(String busName, String source, String detailType, String detail, List<String> resources) {
        PutEventsResult result = put(new PutEventsEntry(busName, source, detailType, detail, resources, null));
        if (result.isFailed()) {
            throw new IllegalArgumentException(result.errorCode() + ": " + result.errorMessage());
        }
    }

    private PutEventsResult put(PutEventsEntry entry) {
        PutEventsResult missing = missingField(entry);
        if (missing != null) {
            return missing;
        }
        JsonNode detail = jsonObject(entry.detail());
        if (detail == null) {
            return PutEventsResult.failed("MalformedDetail", "Detail is malformed.");
        }
        String eventId = UUID.randomUUID().toString();
        Bus bus = buses.get(busName(entry.eventBusName()));
        if (bus == null) {
            // AWS accepts an entry for a bus that does not exist and drops it; so do we, but say so.
            LOG.log(Level.WARNING, "event " + eventId + " was put on event bus \"" + entry.eventBusName()
                    + "\", which does not exist: dropped, as on AWS");
            return PutEventsResult.accepted(eventId);
        }
        Instant time = (entry.time() == null ? Instant.now() : entry.time()).truncatedTo(ChronoUnit.SECONDS);
        String eventJson = Json.write(envelope(eventId, entry, time, detail));
        archive.append(bus.name(), eventJson);
        List<String> matched;
        try {
            matched = bus.machine().rulesForJSONEvent(eventJson);
        } catch (Exception e) {
            throw new IllegalStateException("Event Ruler could not read event " + eventId, e);
        }
        for (String ruleName : matched) {
            RuleSpec rule = bus.rules().get(ruleName);
            for (TargetSpec target : rule.targets()) {
                delivery.deliver(bus.name(), rule, target, eventJson, time);
            }
        }
        return PutEventsResult.accepted(eventId);
    }

    /** AWS's per-entry checks for required fields, with AWS's codes and messages. */
    private static PutEventsResult missingField(PutEventsEntry entry) {
        if (entry.source() == null || entry.source().isEmpty()) {
            return PutEventsResult.failed("InvalidArgument",
                    "Parameter Source is not valid. Reason: Source is a required argument.");
        }
        if (entry.detailType() == null || entry.detailType().isEmpty()) {
            return PutEventsResult.failed("InvalidArgument",
                    "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }
        if (entry.detail() == null || entry.detail().isEmpty()) {
            return PutEventsResult.failed("InvalidArgument",
                    "Parameter Detail is not valid. Reason: Detail is a required argument.");
        }
        return null;
    }

    /** The detail as a JSON object, or null when it is not one (AWS: MalformedDetail). */
    private static JsonNode jsonObject(String detail) {
        try {
            JsonNode node = Json.parse(detail);
            return node.isObject() ? node : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A bus name, or the name at the end of a bus ARN; none means the default bus. */
    static String busName(String nameOrArn) {
        if (nameOrArn == null || nameOrArn.isEmpty()) {
            return Topology.DEFAULT_BUS;
        }
        int slash = nameOrArn.lastIndexOf("event-bus/");
        return nameOrArn.startsWith("arn:") && slash >= 0 ? nameOrArn.substring(slash + "event-bus/".length())
                : nameOrArn;
    }

    /** The event as EventBridge delivers it, fields in EventBridge's order. */
    private ObjectNode envelope(String eventId, PutEventsEntry entry, Instant time, JsonNode detail) {
        ObjectNode event = Json.object();
        event.put("version", "0");
        event.put("id", eventId);
        event.put("detail-type", entry.detailType());
        event.put("source", entry.source());
        event.put("account", identity.accountId());
        event.put("time", DateTimeFormatter.ISO_INSTANT.format(time));
        event.put("region", identity.region());
        var resources = event.putArray("resources");
        if (entry.resources() != null) {
            entry.resources().forEach(resources::add);
        }
        event.set("detail", detail);
        return event;
    }
}
