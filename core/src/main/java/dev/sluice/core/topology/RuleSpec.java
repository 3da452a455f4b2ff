package dev.sluice.core.topology;

import java.util.List;

/** An EventBridge rule as declared in {@code events/rules/<name>.json}. */
public record RuleSpec(String name, String eventBus, String description, String eventPattern, List<TargetSpec> targets) {
}
