package dev.sluice.workers.support;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Events and responses (de)serialized by the Lambda Java runtime's own serializers, as a handler sees them. */
public final class LambdaJson {

    private LambdaJson() {
    }

    /** The fixture {@code events/NAME} read into {@code type}, with {@code replacements} (placeholder, value) applied. */
    public static <T> T fixture(String name, Class<T> type, String... replacements) {
        try (InputStream in = LambdaJson.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture events/" + name);
            }
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (int i = 0; i + 1 < replacements.length; i += 2) {
                json = json.replace(replacements[i], replacements[i + 1]);
            }
            return serializer(type).fromJson(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What Lambda sends back for a handler's result. */
    @SuppressWarnings("unchecked")
    public static JsonNode write(Object result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializer((Class<Object>) result.getClass()).toJson(result, out);
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    private static <T> PojoSerializer<T> serializer(Class<T> type) {
        return LambdaEventSerializers.isLambdaSupportedEvent(type.getName())
                ? LambdaEventSerializers.serializerFor(type, LambdaJson.class.getClassLoader())
                : JacksonFactory.getInstance().getSerializer(type);
    }
}
