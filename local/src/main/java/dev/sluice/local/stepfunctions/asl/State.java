package dev.sluice.local.stepfunctions.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** The states of a parsed definition. {@code next} is null for a state that ends its graph. */
sealed interface State {

    String name();

    /** The prefix of the state's history events: {@code TaskStateEntered}, {@code MapStateExited}... */
    default String kind() {
        return getClass().getSimpleName();
    }

    /** Retry and Catch, for the states that have them. */
    record Recovery(List<Retrier> retriers, List<Catcher> catchers) {
    }

    record Retrier(List<String> errorEquals, int intervalSeconds, int maxAttempts, double backoffRate,
            Integer maxDelaySeconds, boolean fullJitter) {
    }

    record Catcher(List<String> errorEquals, String next, ReferencePath resultPath) {
    }

    record Pass(String name, String next, Io io, JsonNode result) implements State {
    }

    /**
     * HeartbeatSeconds and the value HeartbeatSecondsPath reads are only validated: Lambda functions
     * cannot send task heartbeats, so for the resources supported here it never fires.
     */
    record Task(String name, String next, Io io, String resource, Integer timeoutSeconds,
            String timeoutSecondsPath, String heartbeatSecondsPath, Recovery recovery) implements State {
    }

    record Choice(String name, Io io, List<ChoiceRule.Branch> choices, String defaultNext) implements State {
    }

    record Wait(String name, String next, Io io, Long seconds, String secondsPath, Instant timestamp,
            String timestampPath) implements State {
    }

    record Succeed(String name, Io io) implements State {
    }

    record Fail(String name, String error, String errorPath, String cause, String causePath) implements State {
    }

    record Parallel(String name, String next, Io io, List<Graph> branches, Recovery recovery) implements State {
    }

    /** Tolerated* are null when absent: then the first failed iteration fails the state. */
    record Map(String name, String next, Io io, String itemsPath, JsonNode itemSelector, Graph processor,
            Integer maxConcurrency, String maxConcurrencyPath, Double toleratedPercentage,
            String toleratedPercentagePath, Integer toleratedCount, String toleratedCountPath,
            Recovery recovery) implements State {

        boolean toleratesFailures() {
            return toleratedPercentage != null || toleratedPercentagePath != null
                    || toleratedCount != null || toleratedCountPath != null;
        }
    }

    /** A StartAt and its States: the machine itself, a Parallel branch or a Map's ItemProcessor. */
    record Graph(String startAt, java.util.Map<String, State> states) {
    }
}
