package dev.sluice.operations.select;

import java.util.Optional;
import software.amazon.event.ruler.JsonRuleCompiler;
import software.amazon.event.ruler.Machine;

/**
 * How an operator chooses messages: an EventBridge event pattern ({@code {"detail":{"type":["email.send"]}}}),
 * matched over a message body with AWS Event Ruler, which matches as EventBridge does (prefix,
 * anything-but, numeric, exists, wildcard, {@code $or}). No pattern chooses everything.
 */
public final class MessagePattern {

    private static final String RULE = "operator";

    private final String pattern;
    private final Machine machine;

    private MessagePattern(String pattern, Machine machine) {
        this.pattern = pattern;
        this.machine = machine;
    }

    /** Chooses every message. */
    public static MessagePattern all() {
        return new MessagePattern(null, null);
    }

    /**
     * @throws InvalidPatternException not an EventBridge event pattern, with Event Ruler's reason
     */
    public static MessagePattern of(String pattern) {
        if (pattern == null) {
            return all();
        }
        String problem;
        try {
            problem = JsonRuleCompiler.check(pattern);
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            throw new InvalidPatternException(pattern, problem);
        }
        Machine machine = Machine.builder().build();
        try {
            machine.addRule(RULE, pattern);
        } catch (Exception e) {
            throw new InvalidPatternException(pattern, e.getMessage());
        }
        return new MessagePattern(pattern, machine);
    }

    /** The pattern as given; empty when every message is chosen. */
    public Optional<String> text() {
        return Optional.ofNullable(pattern);
    }

    /** Whether {@code body} matches; a body that is not a JSON object matches only when everything is chosen. */
    public boolean matches(String body) {
        if (machine == null) {
            return true;
        }
        try {
            return !machine.rulesForJSONEvent(body).isEmpty();
        } catch (Exception notJson) {
            return false;
        }
    }

    /** A pattern Event Ruler refuses: a usage error, reported as one line. */
    public static final class InvalidPatternException extends IllegalArgumentException {

        public InvalidPatternException(String pattern, String reason) {
            // Event Ruler's reasons can carry Jackson's multi-line source location: a usage error is one line.
            super(("not a valid EventBridge event pattern: " + reason + " (pattern: " + pattern + ")")
                    .replaceAll("\\s*\\R\\s*", " "));
        }
    }
}
