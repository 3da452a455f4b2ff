package dev.sluice.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.schema.Schemas;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import software.amazon.event.ruler.Machine;

/** Every sample event is valid against its schema and reaches exactly the rules it should. */
class SampleEventsTest {

    private static final Definitions DEFINITIONS = Definitions.bundled();

    /** Which schema a delivered event must satisfy, by its detail-type. */
    private static final Map<String, String> SCHEMA_BY_DETAIL_TYPE = Map.of(
            "Job Submitted", "events/job-submitted",
            "Job Completed", "events/job-completed",
            "Job Failed", "events/job-failed",
            "Object Created", "events/s3-object-created",
            "Object Deleted", "events/s3-object-deleted");

    /** The routing contract: a change to events/rules/ that breaks it fails here. */
    private static final Map<String, List<String>> EXPECTED_RULES = Map.of(
            "job-submitted-ai-high.json", List.of("jobs-ai-high"),
            "job-submitted-ai-normal.json", List.of("jobs-ai"),
            "job-submitted-ai-low.json", List.of("jobs-ai-batch"),
            "job-submitted-analytics.json", List.of("jobs-analytics"),
            "job-submitted-email.json", List.of("jobs-email"),
            "job-completed.json", List.of("jobs-results"),
            "job-failed.json", List.of("jobs-results"),
            "s3-object-created.json", List.of("documents-s3"),
            "s3-object-deleted.json", List.of("documents-s3"));

    static List<String> samples() {
        return List.copyOf(DEFINITIONS.sampleEvents().keySet());
    }

    @Test
    void everyEventTypeHasASampleAndEverySampleAnExpectation() {
        assertThat(DEFINITIONS.sampleEvents().keySet()).containsExactlyInAnyOrderElementsOf(EXPECTED_RULES.keySet());
        assertThat(DEFINITIONS.sampleEvents().values().stream().map(s -> s.get("detail-type").asText()).distinct())
                .containsExactlyInAnyOrderElementsOf(SCHEMA_BY_DETAIL_TYPE.keySet());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleIsValidAgainstItsSchema(String file) {
        JsonNode sample = DEFINITIONS.sampleEvents().get(file);
        String schema = SCHEMA_BY_DETAIL_TYPE.get(sample.get("detail-type").asText());
        assertThat(DEFINITIONS.schemas().validate(schema, sample)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleMatchesExactlyItsRules(String file) throws Exception {
        JsonNode sample = DEFINITIONS.sampleEvents().get(file);
        String bus = sample.get("source").asText().startsWith("aws.") ? Topology.DEFAULT_BUS : "sluice-jobs";
        Machine machine = Machine.builder().build();
        for (RuleSpec rule : DEFINITIONS.topology().rules()) {
            if (rule.eventBus().equals(bus)) {
                machine.addRule(rule.name(), rule.eventPattern());
            }
        }
        assertThat(machine.rulesForJSONEvent(Json.write(sample)))
                .containsExactlyInAnyOrderElementsOf(EXPECTED_RULES.get(file));
    }

    @Test
    void aJobSubmittedWhosePayloadBreaksItsTypeSchemaIsRejectedNamingTheField() {
        Schemas schemas = DEFINITIONS.schemas();
        JsonNode sample = DEFINITIONS.sampleEvents().get("job-submitted-ai-high.json").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) sample.get("detail").get("payload")).put("process", "doomsday");
        assertThat(schemas.validate("events/job-submitted", sample))
                .extracting(v -> v.field())
                .containsExactly("detail.payload.process");
    }
}
