package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.topology.Definitions;
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
        runtime = LocalRuntime.start(Definitions.bundled().topology(), state, LocalRuntime.Options.defaults());
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
    void aKeyIsCreatedListedWithoutItsSecretUsableAndRevoked() {
        assertThat(run("keys", "create", "--dir", state.toString(), "--tenant", "acme", "--user", "ada",
                "--name", "ci")).as(err.toString()).isZero();
        Matcher created = Pattern.compile("key id:  (key_\\w+)\\R+secret:  (sk_\\S+)").matcher(out.toString());
        assertThat(created.find()).as(out.toString()).isTrue();
        String keyId = created.group(1);
        String secret = created.group(2);

        assertThat(run("keys", "list", "--dir", state.toString())).isZero();
        assertThat(out.toString()).containsPattern(keyId + " +acme +ada +active").doesNotContain(secret);

        assertThat(run("jobs", "list", "--dir", state.toString(), "--api-key", secret)).isZero();
        assertThat(run("keys", "revoke", "--dir", state.toString(), keyId)).isZero();
        assertThat(run("jobs", "list", "--dir", state.toString(), "--api-key", secret))
                .isEqualTo(JobsCommand.API_ERROR);
        assertThat(err.toString()).contains("invalid_api_key", "revoked");
        assertThat(run("keys", "revoke", "--dir", state.toString(), "key_nonesuch")).isEqualTo(1);
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
}
