package dev.sluice.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import java.math.BigDecimal;
import java.time.Instant;

/** Timestamps as the AWS JSON protocol carries them: epoch seconds, a number with a fraction. */
final class EpochSeconds {

    private EpochSeconds() {
    }

    static DecimalNode of(Instant at) {
        return DecimalNode.valueOf(BigDecimal.valueOf(at.toEpochMilli(), 3));
    }

    /** @return null for a missing or null field */
    static Instant read(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null
                : Instant.ofEpochMilli(node.decimalValue().movePointRight(3).longValue());
    }
}
