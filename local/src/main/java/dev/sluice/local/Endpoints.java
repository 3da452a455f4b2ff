package dev.sluice.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where each local service listens, as written to {@code endpoints.json} for SDK clients, the AWS
 * CLI ({@code AWS_ENDPOINT_URL_<SERVICE>}) and the {@code sluice} commands. {@code api},
 * {@code webSocket} and {@code devApiKey} are null when the topology declares no API; {@code lambda} is
 * null in a file written before the runtime served the Lambda API. {@code metrics} serves the
 * functions' metrics in Prometheus's text format, and {@code metricsAgent} takes EMF documents as the
 * CloudWatch agent does, for commands that count what they do (both null in a file written before them).
 * {@code bedrock} serves Bedrock batch inference ({@code AWS_ENDPOINT_URL_BEDROCK}) through the local chat model.
 */
public record Endpoints(String region, URI sqs, URI dynamodb, URI events, URI s3, URI stepFunctions, URI api,
        URI webSocket, URI webSocketManagement, String devApiKey, URI lambda, URI metrics,
        URI metricsAgent, URI bedrock) {

    /** Without the local batch inference endpoint (a file written before it). */
    public Endpoints(String region, URI sqs, URI dynamodb, URI events, URI s3, URI stepFunctions, URI api,
            URI webSocket, URI webSocketManagement, String devApiKey, URI lambda, URI metrics, URI metricsAgent) {
        this(region, sqs, dynamodb, events, s3, stepFunctions, api, webSocket, webSocketManagement, devApiKey, lambda,
                metrics, metricsAgent, null);
    }

    public static final String FILE = "endpoints.json";

    private String toJson() {
        ObjectNode o = Json.object();
        o.put("region", region);
        o.put("sqs", sqs.toString());
        o.put("dynamodb", dynamodb.toString());
        o.put("events", events.toString());
        o.put("s3", s3.toString());
        o.put("stepFunctions", stepFunctions.toString());
        putUri(o, "api", api);
        putUri(o, "webSocket", webSocket);
        putUri(o, "webSocketManagement", webSocketManagement);
        if (devApiKey != null) {
            o.put("devApiKey", devApiKey);
        }
        putUri(o, "lambda", lambda);
        putUri(o, "metrics", metrics);
        putUri(o, "metricsAgent", metricsAgent);
        putUri(o, "bedrock", bedrock);
        return Json.writePretty(o);
    }

    private static void putUri(ObjectNode o, String name, URI uri) {
        if (uri != null) {
            o.put(name, uri.toString());
        }
    }

    /** Written whole or not at all: a reader never sees half a file. Readable by its owner only: it holds a key. */
    public void writeTo(Path dir) throws IOException {
        SecretFiles.write(dir.resolve(FILE), toJson() + System.lineSeparator());
    }

    /** The endpoints of the runtime using {@code dir}. */
    public static Endpoints read(Path dir) throws IOException {
        JsonNode o = Json.parse(Files.readString(dir.resolve(FILE)));
        return new Endpoints(o.get("region").asText(), uri(o, "sqs"), uri(o, "dynamodb"), uri(o, "events"),
                uri(o, "s3"), uri(o, "stepFunctions"), uri(o, "api"), uri(o, "webSocket"),
                uri(o, "webSocketManagement"),
                o.hasNonNull("devApiKey") ? o.get("devApiKey").asText() : null, uri(o, "lambda"), uri(o, "metrics"),
                uri(o, "metricsAgent"), uri(o, "bedrock"));
    }

    private static URI uri(JsonNode o, String name) {
        return o.hasNonNull(name) ? URI.create(o.get(name).asText()) : null;
    }
}
