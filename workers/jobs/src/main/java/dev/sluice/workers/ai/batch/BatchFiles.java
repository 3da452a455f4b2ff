package dev.sluice.workers.ai.batch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** A batch's files in the payloads bucket: its JSONL input, its manifest of jobs, Bedrock's JSONL output. */
final class BatchFiles {

    private static final TypeReference<List<BatchEntry>> ENTRIES = new TypeReference<>() {
    };

    private final S3Client s3;

    BatchFiles(S3Client s3) {
        this.s3 = s3;
    }

    void writeInput(BatchRun run, List<? extends JsonNode> lines) {
        StringBuilder jsonl = new StringBuilder();
        for (JsonNode line : lines) {
            jsonl.append(Json.write(line)).append('\n');
        }
        s3.putObject(b -> b.bucket(run.bucket()).key(run.inputKey()).contentType("application/jsonl"),
                RequestBody.fromString(jsonl.toString(), StandardCharsets.UTF_8));
    }

    void writeManifest(BatchRun run, List<BatchEntry> entries) {
        s3.putObject(b -> b.bucket(run.bucket()).key(run.manifestKey()).contentType("application/json"),
                RequestBody.fromString(Json.write(entries), StandardCharsets.UTF_8));
    }

    List<BatchEntry> manifest(BatchRun run) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(run.bucket())
                .key(run.manifestKey()))) {
            return Json.MAPPER.readValue(in, ENTRIES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bedrock's output lines for the job, or empty when it wrote no output file. */
    Optional<List<JsonNode>> output(BatchRun run, String jobArn) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(run.bucket())
                .key(run.outputKey(jobArn)));
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<JsonNode> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    lines.add(Json.parse(line));
                }
            }
            return Optional.of(lines);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
