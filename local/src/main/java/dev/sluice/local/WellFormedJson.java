package dev.sluice.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.sluice.core.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * JSON text that every UTF-8 writer and every SQS queue takes: a lone surrogate, which Jackson reads
 * from a JSON unicode escape without complaint, is written back as such an escape (a backslash,
 * {@code u} and four hex digits) instead of as a character no UTF-8 encoder can encode. Surrogate
 * pairs stay the characters they are.
 */
public final class WellFormedJson {

    private static final ObjectWriter WRITER = Json.MAPPER.writer()
            .with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

    private WellFormedJson() {
    }

    /**
     * @throws JsonProcessingException the value cannot be written as JSON (nested deeper than Jackson's
     *     limit, say)
     */
    public static String write(Object value) throws JsonProcessingException {
        return new String(WRITER.writeValueAsBytes(value), StandardCharsets.UTF_8);
    }
}
