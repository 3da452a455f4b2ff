package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.topology.Definitions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void upRefusesABrokenRuleFileNamingTheFileAndTheProblem(@TempDir Path workspace, @TempDir Path state)
            throws Exception {
        Path definitions = workspace.resolve("mine");
        assertThat(run("definitions", "export", definitions.toString())).isZero();
        Path rule = definitions.resolve("events/rules/jobs-analytics.json");
        Files.writeString(rule, Files.readString(rule).replace("\"sqs\": \"analytics\"", "\"sqs\": \"analytic\""));

        int status = run("up", "--dir", state.toString(), "--definitions", definitions.toString());

        assertThat(status).isEqualTo(Sluice.INVALID_DEFINITIONS);
        assertThat(err.toString()).isEqualTo("sluice: invalid definition: " + rule
                + ": target \"queue\": no sqs named \"analytic\" in the topology" + System.lineSeparator());
        assertThat(state.resolve("endpoints.json")).doesNotExist();
    }

    @Test
    void synthRefusesAStageTheTopologyDoesNotDeploy(@TempDir Path out) {
        assertThat(run("synth", "--env", "qa", "--out", out.toString())).isEqualTo(Sluice.INVALID_DEFINITIONS);
        assertThat(err.toString()).isEqualTo("sluice: invalid definition: core/src/main/resources/sluice/topology.json:"
                + " no deployment \"qa\"; the deployed stages are [dev, prod, staging]" + System.lineSeparator());
    }

    @Test
    void synthRefusesAnAccessModeTheTopologyCannotExpressNamingFileAndElement(@TempDir Path definitions,
            @TempDir Path out) throws Exception {
        Path topology = exportWithApiUse(definitions, "{ \"table\": \"sluice-analytics\", \"access\": [\"truncate\"] }");

        assertThat(run("synth", "--definitions", definitions.toString(), "--out", out.toString()))
                .isEqualTo(Sluice.INVALID_DEFINITIONS);
        assertThat(err.toString()).startsWith("sluice: invalid definition: " + topology + ": ")
                .contains("functions[0].uses[1].access[0]").contains("enumeration [\"read\", \"write\"]");
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void synthRefusesAResourceUsedButNotDeclared(@TempDir Path definitions, @TempDir Path out) throws Exception {
        Path topology = exportWithApiUse(definitions, "{ \"table\": \"sluice-audit\", \"access\": [\"read\"] }");

        assertThat(run("synth", "--definitions", definitions.toString(), "--out", out.toString()))
                .isEqualTo(Sluice.INVALID_DEFINITIONS);
        assertThat(err.toString()).startsWith("sluice: invalid definition: " + topology + ": function \"api\"")
                .contains("sluice-audit");
    }

    @Test
    void synthRefusesAProfileMissingAValueNamingFileProfileAndValue(@TempDir Path definitions, @TempDir Path out)
            throws Exception {
        Definitions.exportBundled(definitions);
        Path topology = definitions.resolve("topology.json");
        String text = Files.readString(topology);
        int prod = text.indexOf("\"prod\": {");
        Files.writeString(topology, text.substring(0, prod)
                + text.substring(prod).replaceFirst("\\s*\"chunkBatchSize\": 32,", ""));

        assertThat(run("synth", "--env", "prod", "--definitions", definitions.toString(), "--out", out.toString()))
                .isEqualTo(Sluice.INVALID_DEFINITIONS);
        assertThat(err.toString()).startsWith("sluice: invalid definition: " + topology + ": profiles.prod")
                .contains("chunkBatchSize");
        assertThat(out).isEmptyDirectory();
    }

    /** The built-in definitions in {@code dir}, the api function's use of the analytics table replaced by {@code use}. */
    private static Path exportWithApiUse(Path dir, String use) throws Exception {
        Definitions.exportBundled(dir);
        Path topology = dir.resolve("topology.json");
        Files.writeString(topology, Files.readString(topology).replaceFirst(
                "\\{ \"table\": \"sluice-analytics\", \"access\": \\[\"read\"] }", use));
        return topology;
    }

    @Test
    void upRefusesATopologyThatIsNotJson(@TempDir Path definitions, @TempDir Path state) throws Exception {
        Definitions.exportBundled(definitions);
        Files.writeString(definitions.resolve("topology.json"), "{ \"queues\": [ ");

        assertThat(run("up", "--dir", state.toString(), "--definitions", definitions.toString()))
                .isEqualTo(Sluice.INVALID_DEFINITIONS);
        assertThat(err.toString()).startsWith("sluice: invalid definition: " + definitions.resolve("topology.json")
                + ": not valid JSON");
    }

    @Test
    void demoSubmitsOneJobOfEachTypeShowsTheResultsPushedBackAndIngestsADocument() {
        int status = run("demo");

        assertThat(status).as(out + "\n" + err).isZero();
        assertThat(out.toString())
                .containsPattern("202  ai.request +job ")
                .containsPattern("202  analytics.event +job ")
                .containsPattern("202  email.send +job ")
                .containsPattern("seq \\d+ +job.completed +ai.request")
                .containsPattern("seq \\d+ +job.completed +analytics.event")
                .containsPattern("seq \\d+ +job.completed +email.send")
                .contains("\"provider\":\"sluice-offline\"", "\"total\":1,\"byInteractionType\":{\"click\":1}")
                .containsPattern("E-mail in the local outbox: .*/mail/outbox/.*@sluice\\.eml")
                .contains("POST /v1/documents: 201", "PUT to the upload URL: 200")
                .containsPattern("document.progress +index +1/1")
                .containsPattern("document.ready +\\d+ ms +\\d+ chunks")
                .contains("dev/uploads/", "handbook.md", "Holidays", "thirty days of paid holiday")
                .contains("Demo passed")
                .doesNotContain("MISSING");
    }
}
