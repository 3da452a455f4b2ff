package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code sluice} command, run in-process as a user would run it. */
class SluiceCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new Sluice());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void upRefusesABrokenRuleFileNamingTheFileAndTheProblem(@TempDir Path definitions, @TempDir Path state)
            throws Exception {
        copyBundledDefinitions(definitions);
        Path rule = definitions.resolve("events/rules/jobs-analytics.json");
        Files.writeString(rule, Files.readString(rule).replace("\"sqs\": \"analytics\"", "\"sqs\": \"analytic\""));

        int status = run("up", "--dir", state.toString(), "--definitions", definitions.toString());

        assertThat(status).isEqualTo(Sluice.INVALID_DEFINITIONS);
        assertThat(err.toString()).isEqualTo("sluice: invalid definition: " + rule
                + ": target \"queue\": no sqs named \"analytic\" in the topology" + System.lineSeparator());
        assertThat(state.resolve("endpoints.json")).doesNotExist();
    }

    @Test
    void upRefusesATopologyThatIsNotJson(@TempDir Path definitions, @TempDir Path state) throws Exception {
        copyBundledDefinitions(definitions);
        Files.writeString(definitions.resolve("topology.json"), "{ \"queues\": [ ");

        assertThat(run("up", "--dir", state.toString(), "--definitions", definitions.toString()))
                .isEqualTo(Sluice.INVALID_DEFINITIONS);
        assertThat(err.toString()).startsWith("sluice: invalid definition: " + definitions.resolve("topology.json")
                + ": not valid JSON");
    }

    @Test
    void demoFollowsEveryLaneAndTheUploadAndExitsZero() {
        int status = run("demo");

        assertThat(status).as(out + "\n" + err).isZero();
        assertThat(out.toString())
                .contains("rule jobs-ai-high", "-> queue ai-requests-high", "-> ai-worker-high")
                .contains("-> queue analytics", "-> queue email", "-> queue ai-requests ")
                .contains("\"Object Created\" from aws.s3 on the default bus")
                .contains("Demo passed")
                .doesNotContain("MISSING", "REJECTED");
    }

    /** The bundled definitions, from core's jar or classes directory, into {@code target}. */
    private static void copyBundledDefinitions(Path target) throws IOException {
        URI uri;
        try {
            uri = Sluice.class.getResource("/sluice/topology.json").toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (uri.getScheme().equals("jar")) {
            FileSystem jar;
            boolean openedHere = true;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
            } catch (java.nio.file.FileSystemAlreadyExistsException e) {
                jar = FileSystems.getFileSystem(uri);
                openedHere = false;
            }
            copyTree(Path.of(uri).getParent(), target);
            if (openedHere) {
                jar.close();
            }
        } else {
            copyTree(Path.of(uri).getParent(), target);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest);
                }
            }
        }
    }
}
