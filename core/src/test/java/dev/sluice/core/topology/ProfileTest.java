package dev.sluice.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileTest {

    private static Profile profile() {
        Map<String, String> values = new HashMap<>();
        values.put("retryBaseSeconds", "5");
        values.put("outboxDir", "${stateDir:mail/outbox}");
        values.put("endpoint", null);
        return new Profile("local", values);
    }

    @Test
    void profileValuesGoInFirstThenTheRuntimeResolvesEveryReference() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("JOBS_TABLE", "${table:sluice-jobs}");
        environment.put("RETRY_BASE_SECONDS", "${profile:retryBaseSeconds}");
        environment.put("MAIL_OUTBOX_DIR", "${profile:outboxDir}");
        environment.put("GREETING", "hello ${bus:b} and ${queue:q}");
        Map<String, String> resolved = profile().resolve(environment, r -> r.kind().key() + "=" + r.name());
        assertThat(resolved).containsExactly(Map.entry("JOBS_TABLE", "table=sluice-jobs"),
                Map.entry("RETRY_BASE_SECONDS", "5"), Map.entry("MAIL_OUTBOX_DIR", "stateDir=mail/outbox"),
                Map.entry("GREETING", "hello bus=b and queue=q"));
    }

    @Test
    void aVariableWhoseProfileValueIsNotSetIsLeftOut() {
        assertThat(profile().resolve(Map.of("OPENSEARCH_ENDPOINT", "${profile:endpoint}"), r -> "x")).isEmpty();
    }

    @Test
    void overridesReplaceDeclaredValuesAndRefuseUnknownNames() {
        assertThat(profile().with(Map.of("retryBaseSeconds", "1")).value("retryBaseSeconds")).isEqualTo("1");
        assertThatThrownBy(() -> profile().with(Map.of("retryBase", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("profile \"local\" has no value \"retryBase\" to override; it has [endpoint, outboxDir,"
                        + " retryBaseSeconds]");
    }
}
