package dev.sluice.operations.events;

import dev.sluice.core.topology.RuleSpec;
import dev.sluice.operations.deployment.UnknownResourceException;
import dev.sluice.operations.select.MessagePattern;
import java.time.Instant;
import java.util.List;

/**
 * What an operator asked to replay: the events of {@code bus} whose {@code time} is in
 * [{@code from}, {@code to}), to the rules of the bus ({@code rule}: one of them), optionally only
 * those matching {@code match} too.
 *
 * @param rule  null for every rule of the bus
 * @param match {@link MessagePattern#all()} for no filter beyond the rules' own patterns
 */
public record ReplayWindow(String bus, Instant from, Instant to, String rule, MessagePattern match) {

    public ReplayWindow {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from " + from + " is not before --to " + to);
        }
    }

    /**
     * The rules replayed to.
     *
     * @throws UnknownResourceException the bus has no rule of that name
     */
    public List<RuleSpec> rules(List<RuleSpec> all) {
        List<RuleSpec> ofBus = all.stream().filter(r -> r.eventBus().equals(bus)).toList();
        if (rule == null) {
            return ofBus;
        }
        List<RuleSpec> named = ofBus.stream().filter(r -> r.name().equals(rule)).toList();
        if (named.isEmpty()) {
            throw new UnknownResourceException("rule of bus " + bus, rule, ofBus.stream().map(RuleSpec::name).toList());
        }
        return named;
    }
}
