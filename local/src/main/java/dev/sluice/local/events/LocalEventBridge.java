package dev.sluice.local.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.RuleSpec;
import dev.sluice.core.topology.TargetSpec;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.WellFormedJson;
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
 * The local EventBridge: the topology's buses and rules, matched with AWS Event Ruler. An event is
 * matched, then archived together with the deliveries it owes, then handed to {@link TargetDelivery}
 * for every target of every matching rule; the {@link DeliveryLedger} hears of each delivery done, and
 * a restart delivers what was not (at least once, as EventBridge).
 *
 * <p>An entry that cannot be written as an event or matched (nested deeper than PutEvents processes,
 * say) fails alone with {@code MalformedDetail}; one the archive cannot take fails alone with
 * {@code InternalFailure}. A lone surrogate in the detail is no such entry: the event is written with
 * it as a JSON unicode escape (a backslash, {@code u} and four hex digits), which is valid JSON and
 * valid UTF-8, as the AWS SDK's own JSON writer sends it.
 */
public final class LocalEventBridge implements EventSink {

    private static final System.Logger LOG = System.getLogger(LocalEventBridge.class.getName());

    private final AwsIdentity identity;
    private final DeliveryLedger ledger;
    private final TargetDelivery delivery;
    private final Map<String, Bus> buses = new LinkedHashMap<>();
    private final List<DeliveryLedger.Unfinished> unfinished = new ArrayList<>();

    private record Bus(String name, Machine machine, Map<String, RuleSpec> rules) {
    }

    /** A target of a rule, matched for one event. */
    private record Matched(RuleSpec rule, TargetSpec target) {

        DeliveryLedger.Delivery delivery() {
            return new DeliveryLedger.Delivery(rule.name(), target.id());
        }
    }

    /**
     * Reads what the ledger says is still owed from before; {@link #redeliverUnfinished()} sends it
     * once the targets are ready.
     */
    public LocalEventBridge(Topology topology, AwsIdentity identity, DeliveryLedger ledger, TargetDelivery delivery) {
        this.identity = identity;
        this.ledger = ledger;
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
        for (Bus bus : buses.values()) {
            unfinished.addAll(ledger.recover(bus.name(), json -> match(bus, json).stream()
                    .map(Matched::delivery).toList()));
        }
    }

    /** Delivers what was accepted before the last stop and not yet delivered to every target. */
    public void redeliverUnfinished() {
        if (!unfinished.isEmpty()) {
            LOG.log(Level.INFO, unfinished.size() + " events accepted before the last stop still owed deliveries:"
                    + " delivering them again");
        }
        for (DeliveryLedger.Unfinished event : unfinished) {
            Bus bus = buses.get(event.bus());
            Instant time = eventTime(event.json());
            for (DeliveryLedger.Delivery owed : event.deliveries()) {
                RuleSpec rule = bus.rules().get(owed.rule());
                rule.targets().stream().filter(t -> t.id().equals(owed.target())).findFirst().ifPresent(target ->
                        delivery.deliver(bus.name(), rule, target, event.json(), time,
                                () -> ledger.done(bus.name(), event.offset(), owed)));
            }
        }
        unfinished.clear();
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
        String eventJson;
        List<Matched> matched;
        try {
            eventJson = WellFormedJson.write(envelope(eventId, entry, time, detail));
            matched = match(bus, eventJson);
        } catch (Exception | StackOverflowError e) {
            LOG.log(Level.WARNING, "an entry for event bus " + bus.name() + " was refused: its event cannot be"
                    + " written or matched: " + e);
            return PutEventsResult.failed("MalformedDetail", "Detail is malformed.");
        }
        long offset;
        try {
            offset = ledger.accept(bus.name(), eventJson, matched.stream().map(Matched::delivery).toList());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "an entry for event bus " + bus.name() + " failed: the archive did not take it: "
                    + e);
            return PutEventsResult.failed("InternalFailure", "The event could not be stored: " + e.getMessage());
        }
        for (Matched m : matched) {
            delivery.deliver(bus.name(), m.rule(), m.target(), eventJson, time,
                    () -> ledger.done(bus.name(), offset, m.delivery()));
        }
        return PutEventsResult.accepted(eventId);
    }

    /** Every target of every rule of {@code bus} that the event matches. */
    private static List<Matched> match(Bus bus, String eventJson) {
        List<String> rules;
        try {
            rules = bus.machine().rulesForJSONEvent(eventJson);
        } catch (Exception e) {
            throw new IllegalArgumentException("Event Ruler cannot read the event: " + e, e);
        }
        List<Matched> matched = new ArrayList<>();
        for (String ruleName : rules) {
            RuleSpec rule = bus.rules().get(ruleName);
            rule.targets().forEach(target -> matched.add(new Matched(rule, target)));
        }
        return matched;
    }

    private static Instant eventTime(String eventJson) {
        try {
            return Instant.parse(Json.parse(eventJson).path("time").asText());
        } catch (RuntimeException e) {
            return Instant.now();
        }
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
