package dev.sluice.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where each local service listens, as written to {@code endpoints.json} for SDK clients, the AWS
 * CLI ({@code AWS_ENDPOINT_URL_<SERVICE>}) and the {@code sluice} commands.
 */
public record Endpoints(String region, URI sqs, URI dynamodb, URI events, URI s3) {

    public static final String FILE = "endpoints.json";

    private String toJson() {
        ObjectNode o = Json.object();
        o.put("region", region);
        o.put("sqs", sqs.toString());
        o.put("dynamodb", dynamodb.toString());
        o.put("events", events.toString());
        o.put("s3", s3.toString());
        return Json.writePretty(o);
    }

    /** Written whole or not at all: a reader never sees half a file. */
    public void writeTo(Path dir) throws IOException {
        Path tmp = Files.createTempFile(dir, FILE, ".tmp");
        Files.writeString(tmp, toJson() + System.lineSeparator());
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
