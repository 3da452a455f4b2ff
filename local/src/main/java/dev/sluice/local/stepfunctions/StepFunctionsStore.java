package dev.sluice.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.json.Json;
import dev.sluice.local.stepfunctions.asl.ResumePoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of the local Step Functions under {@code <stateDir>/stepfunctions/}:
 * {@code state-machines/<name>.json}, and per execution {@code executions/<machine>/<name>.json}
 * (its description) beside {@code <name>.history.jsonl}. Descriptions are replaced atomically, so
 * a crash leaves the old one or the new one, never half of either. Names cannot hold {@code /}
 * (see {@link LocalStepFunctions}), so they are safe as file names.
 */
final class StepFunctionsStore {

    private static final String JSON = ".json";
    private static final String HISTORY = ".history.jsonl";

    private final Path machines;
    private final Path executions;

    StepFunctionsStore(Path root) throws IOException {
        this.machines = Files.createDirectories(root.resolve("state-machines"));
        this.executions = Files.createDirectories(root.resolve("executions"));
    }

    void save(StateMachineRecord m) {
        ObjectNode o = Json.object();
        o.put("arn", m.arn());
        o.put("name", m.name());
        o.put("definition", m.definition());
        o.put("roleArn", m.roleArn());
        o.set("creationDate", EpochSeconds.of(m.creationDate()));
        o.set("updateDate", m.updateDate() == null ? null : EpochSeconds.of(m.updateDate()));
        writeAtomically(machines.resolve(m.name() + JSON), o);
    }

    void delete(StateMachineRecord m) {
        try {
            Files.deleteIfExists(machines.resolve(m.name() + JSON));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<StateMachineRecord> loadStateMachines() throws IOException {
        List<StateMachineRecord> loaded = new ArrayList<>();
        for (Path file : jsonFiles(machines)) {
            JsonNode o = Json.parse(Files.readString(file));
            loaded.add(new StateMachineRecord(o.get("arn").asText(), o.get("name").asText(),
                    o.get("definition").asText(), o.get("roleArn").asText(), EpochSeconds.read(o.get("creationDate")),
                    EpochSeconds.read(o.get("updateDate"))));
        }
        return loaded;
    }

    void save(ExecutionRecord e) {
        ObjectNode o = Json.object();
        o.put("executionArn", e.executionArn());
        o.put("stateMachineArn", e.stateMachineArn());
        o.put("name", e.name());
        o.put("definition", e.definition());
        o.put("roleArn", e.roleArn());
        o.put("status", e.status().name());
        o.set("startDate", EpochSeconds.of(e.startDate()));
        o.set("stopDate", e.stopDate() == null ? null : EpochSeconds.of(e.stopDate()));
        o.put("input", e.input());
        o.put("output", e.output());
        o.put("error", e.error());
        o.put("cause", e.cause());
        o.put("redriveCount", e.redriveCount());
        o.set("redriveDate", e.redriveDate() == null ? null : EpochSeconds.of(e.redriveDate()));
        if (e.resume() != null) {
            o.putObject("resume").put("stateName", e.resume().stateName()).set("input", e.resume().input());
        }
        writeAtomically(executionDir(e).resolve(e.name() + JSON), o);
    }

    List<ExecutionRecord> loadExecutions() throws IOException {
        List<ExecutionRecord> loaded = new ArrayList<>();
        List<Path> dirs;
        try (Stream<Path> list = Files.list(executions)) {
            dirs = list.filter(Files::isDirectory).toList();
        }
        for (Path dir : dirs) {
            for (Path file : jsonFiles(dir)) {
                loaded.add(execution(Json.parse(Files.readString(file))));
            }
        }
        return loaded;
    }

    private static ExecutionRecord execution(JsonNode o) {
        JsonNode resume = o.get("resume");
        return new ExecutionRecord(o.get("executionArn").asText(), o.get("stateMachineArn").asText(),
                o.get("name").asText(), o.get("definition").asText(), o.get("roleArn").asText(),
                ExecutionStatus.valueOf(o.get("status").asText()), EpochSeconds.read(o.get("startDate")),
                EpochSeconds.read(o.get("stopDate")), text(o, "input"), text(o, "output"), text(o, "error"),
                text(o, "cause"), o.get("redriveCount").asInt(), EpochSeconds.read(o.get("redriveDate")),
                resume == null ? null : new ResumePoint(resume.get("stateName").asText(), resume.get("input")));
    }

    Path historyFile(ExecutionRecord e) {
        return executionDir(e).resolve(e.name() + HISTORY);
    }

    private Path executionDir(ExecutionRecord e) {
        String machine = e.stateMachineArn().substring(e.stateMachineArn().lastIndexOf(':') + 1);
        try {
            return Files.createDirectories(executions.resolve(machine));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void writeAtomically(Path file, JsonNode content) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, Json.writePretty(content));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> jsonFiles(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(f -> f.getFileName().toString().endsWith(JSON)).sorted().toList();
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
