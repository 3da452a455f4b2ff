package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.topology.ApiSpec;
import dev.sluice.core.topology.Definitions;
import dev.sluice.core.topology.Topology;
import dev.sluice.local.LocalRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice keys} and {@code sluice jobs} against a running local runtime, as a user types them. */
class ClientCommandsTest {

    @TempDir
    static Path state;
    static LocalRuntime runtime;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() throws Exception {
        // The authorizer's cache shortened from the seeds' 300 s, so that a revocation shows within the test.
        Topology t = Definitions.bundled().topology();
        var apis = t.apis().stream().map(a -> a.protocol() == ApiSpec.Protocol.HTTP
                ? a.withAuthorizer(a.authorizer().withTtlSeconds(1)) : a).toList();
        runtime = LocalRuntime.start(t.withApis(apis), state, LocalRuntime.Options.defaults());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = new CommandLine(new Sluice());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void theStartUpSummaryListsTheRoutesOfEveryApiOfTheTopology() {
        String summary = Launch.summary(runtime, 1);
        for (var api : runtime.topology().apis()) {
            assertThat(summary).contains(api.name());
            for (String route : api.routes()) {
                assertThat(summary).as(api.name()).containsPattern("(^|\\s)" + Pattern.quote(route) + "(\\s|$)");
            }
        }
        assertThat(summary).contains("GET /v1/analytics/tools/{toolId}", "$connect");
    }

    @Test
    void aKeyIsCreatedOnItsPlanListedWithItsUsageButNotItsSecretAndRevoked() throws Exception {
        assertThat(run("keys", "create", "--dir", state.toString(), "--tenant", "acme", "--user", "ada",
                "--name", "ci", "--plan", "bulk")).as(err.toString()).isZero();
        Matcher created = Pattern.compile("key id:  (key_\\w+)\\R+plan:    bulk\\R+role:    tenant\\R+secret:  (sk_\\S+)")
                .matcher(out.toString());
        assertThat(created.find()).as(out.toString()).isTrue();
        String keyId = created.group(1);
        String secret = created.group(2);

        assertThat(run("jobs", "list", "--dir", state.toString(), "--api-key", secret)).isZero();
        // The gateway saves its counts within a second.
        Pattern counted = Pattern.compile(keyId + " +acme +ada +bulk +tenant +active [^\\n]* 1 \\(\\d{4}-\\d{2}\\)");
        long deadline = System.nanoTime() + 10_000_000_000L;
        do {
            assertThat(run("keys", "list", "--dir", state.toString())).isZero();
        } while (!counted.matcher(out.toString()).find() && System.nanoTime() < deadline && sleep());
        assertThat(out.toString()).containsPattern(counted).doesNotContain(secret);

        assertThat(run("keys", "revoke", "--dir", state.toString(), keyId)).isZero();
        assertThat(run("keys", "list", "--dir", state.toString())).isZero();
        assertThat(out.toString()).containsPattern(keyId + " +acme +ada +bulk +tenant +revoked");
        // Refused once the authorizer's cached answer (1 s here) expires.
        deadline = System.nanoTime() + 10_000_000_000L;
        while (run("jobs", "list", "--dir", state.toString(), "--api-key", secret) == 0
                && System.nanoTime() < deadline) {
            sleep();
        }
        assertThat(run("jobs", "list", "--dir", state.toString(), "--api-key", secret))
                .isEqualTo(JobsCommand.API_ERROR);
        assertThat(err.toString()).contains("invalid_api_key", "revoked");
        assertThat(run("keys", "revoke", "--dir", state.toString(), "key_nonesuch")).isEqualTo(1);
    }

    @Test
    void anAdminKeyIsCreatedWithAdminAndListedAsAnAdmins() {
        assertThat(run("keys", "create", "--dir", state.toString(), "--tenant", "ops", "--user", "oscar",
                "--admin")).as(err.toString()).isZero();
        Matcher created = Pattern.compile("key id:  (key_\\w+)\\R+plan:    default\\R+role:    admin\\R")
                .matcher(out.toString());
        assertThat(created.find()).as(out.toString()).isTrue();

        assertThat(run("keys", "list", "--dir", state.toString())).isZero();
        assertThat(out.toString()).containsPattern(created.group(1) + " +ops +oscar +default +admin +active");
    }

    @Test
    void aKeyOnAPlanTheApiDoesNotHaveIsRefused() {
        assertThat(run("keys", "create", "--dir", state.toString(), "--tenant", "acme", "--user", "ada",
                "--plan", "platinum")).isEqualTo(2);
        assertThat(err.toString()).contains("--plan must be one of the API's usage plans: default, bulk");
    }

    private static boolean sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    @Test
    void aJobSubmittedWithWaitPrintsItsPushedResultAndCanBeReadBack() {
        String payload = "{\"sessionId\":\"s\",\"userId\":\"u\",\"process\":\"contentCrafter\","
                + "\"input\":\"A slogan for rain.\",\"priority\":\"high\",\"timestamp\":1}";

        int status = run("jobs", "submit", "--dir", state.toString(), "--type", "ai.request", "--payload", payload,
                "--wait");

        assertThat(status).as(out + "\n" + err).isZero();
        Matcher accepted = Pattern.compile("\"jobId\" : \"([^\"]+)\"").matcher(out.toString());
        assertThat(accepted.find()).as(out.toString()).isTrue();
        String jobId = accepted.group(1);
        assertThat(out.toString()).contains("\"type\" : \"job.completed\"", "A slogan for rain.");
        assertThat(run("jobs", "get", "--dir", state.toString(), jobId)).isZero();
        assertThat(out.toString()).contains("\"status\" : \"SUCCEEDED\"", "\"priority\" : \"high\"");
    }

    @Test
    void aStreamedJobSubmittedWithWaitPrintsItsResultNotItsFirstDelta() {
        String payload = "{\"sessionId\":\"s\",\"userId\":\"u\",\"process\":\"contentCrafter\","
                + "\"input\":\"A slogan for snow.\",\"priority\":\"normal\",\"stream\":true,\"timestamp\":1}";

        int status = run("jobs", "submit", "--dir", state.toString(), "--type", "ai.request", "--payload", payload,
                "--wait");

        assertThat(status).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("\"type\" : \"job.completed\"", "A slogan for snow.")
                .doesNotContain("job.delta");
    }

    @Test
    void anInvalidJobIsRefusedWithTheFieldNamed() {
        int status = run("jobs", "submit", "--dir", state.toString(), "--type", "email.send", "--payload", "{}");

        assertThat(status).isEqualTo(JobsCommand.API_ERROR);
        assertThat(err.toString()).contains("\"field\" : \"payload.");
    }

    @Test
    void withoutARuntimeTheCommandSaysHowToStartOne(@TempDir Path empty) {
        int status = run("jobs", "list", "--dir", empty.toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("no Sluice runtime in", "sluice up");
    }

    @Test
    void ingestUploadsAFolderShowsProgressAndSearchFindsItsChunks(@TempDir Path docs) throws Exception {
        java.nio.file.Files.writeString(docs.resolve("garden.md"), "# Garden\n\n## Watering\n\nWater the tomatoes"
                + " every morning before nine, and never the leaves.\n");
        java.nio.file.Files.writeString(docs.resolve("kitchen.txt"), "The dishwasher runs at night on the eco cycle.");
        java.nio.file.Files.writeString(docs.resolve("photo.jpg"), "not a document");

        int status = run("ingest", "--dir", state.toString(), docs.toString());

        assertThat(status).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("skipped 1 file(s)", "uploaded 2 document(s)", "2 ready, 0 not")
                .containsPattern("READY +dev/" + docs.getFileName() + "/garden.md")
                .containsPattern("index +\\[#+\\] 1/1");

        assertThat(run("search", "--dir", state.toString(), "-k", "1", "when should I water the tomatoes"))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("garden.md", "Garden > Watering", "every morning before nine");

        // The filters and modes reach the API: only the text file is of type text, and BM25 finds it by a word.
        assertThat(run("search", "--dir", state.toString(), "--type", "text", "--mode", "lexical", "--group",
                "document", "dishwasher")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("kitchen.txt", "eco cycle").doesNotContain("garden.md");
        assertThat(run("search", "--dir", state.toString(), "--mode", "sideways", "tomatoes")).isNotZero();
        assertThat(err.toString()).contains("\"field\" : \"mode\"");
    }

    @Test
    void ingestExitsNonZeroAndSaysWhyWhenADocumentFails(@TempDir Path docs) throws Exception {
        java.nio.file.Files.write(docs.resolve("empty.txt"), new byte[0]);

        assertThat(run("ingest", "--dir", state.toString(), docs.resolve("empty.txt").toString())).isEqualTo(1);
        assertThat(out.toString()).containsPattern("FAILED +dev/empty.txt +\\(empty: ").contains("0 ready, 1 not");
    }
}
