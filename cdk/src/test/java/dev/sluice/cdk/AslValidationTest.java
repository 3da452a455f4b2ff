package dev.sluice.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every state machine the CDK app deploys passes asl-validator, through scripts/asl-validator.sh (which
 * installs the pinned validator on first use). Needs node and npm: without them the script fails naming
 * what to install, and so does this test; it never skips.
 */
class AslValidationTest {

    /** The first run installs the validator with npm; later runs take about a second. */
    private static final long TIMEOUT_MINUTES = 5;

    private static final Path ROOT = Path.of(System.getProperty("sluice.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void everyStateMachineOfTheProjectIsValidAsl() throws Exception {
        List<Path> machines;
        try (Stream<Path> files = Files.list(ROOT.resolve("statemachines"))) {
            machines = files.filter(f -> f.getFileName().toString().endsWith(".asl.json")).sorted().toList();
        }
        assertThat(machines).as("statemachines/*.asl.json under " + ROOT).isNotEmpty();

        Result result = validate(machines);

        assertThat(result.exit()).as("scripts/asl-validator.sh said:\n" + result.output()).isZero();
        for (Path machine : machines) {
            assertThat(result.output()).contains("\"" + machine + "\" is valid");
        }
    }

    @Test
    void aTaskWhoseNextNamesNoStateIsRejectedNamingTheMissingTarget() throws Exception {
        Path broken = resource("asl/next-names-a-missing-state.asl.json");

        Result result = validate(List.of(broken));

        assertThat(result.exit()).as("scripts/asl-validator.sh said:\n" + result.output()).isEqualTo(1);
        assertThat(result.output()).contains("\"" + broken + "\" is invalid")
                .contains("MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: Chunk");
    }

    private record Result(int exit, String output) {
    }

    private Result validate(List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/asl-validator.sh").toString()));
        files.forEach(f -> command.add(f.toString()));
        Path log = tmp.resolve("asl-validator.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return new Result(-1, Files.readString(log, StandardCharsets.UTF_8) + "\n(timed out after "
                    + TIMEOUT_MINUTES + " min)");
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(AslValidationTest.class.getClassLoader().getResource(name).toURI());
    }
}
