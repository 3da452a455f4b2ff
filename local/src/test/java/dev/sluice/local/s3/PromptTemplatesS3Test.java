package dev.sluice.local.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.topology.BucketSpec;
import dev.sluice.local.LocalRuntime;
import dev.sluice.workers.ai.templates.PromptTemplates;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Prompt templates read from a bucket laid out as templates/prompts/ is (AWS's source), with the SDK's S3 client. */
class PromptTemplatesS3Test {

    private static final String BUCKET = "sluice-templates";

    @TempDir
    Path dataDir;
    private LocalS3 s3;
    private S3Client client;

    @BeforeEach
    void start() throws Exception {
        s3 = LocalS3.start(dataDir, List.of(new BucketSpec(BUCKET, false)), "000000000000",
                (bus, source, detailType, detail, resources) -> { }, LocalRuntime.CREDENTIALS);
        client = S3Client.builder().endpointOverride(s3.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(LocalRuntime.CREDENTIALS)).build();
        put("prompts/poet/1/user.mustache", "Write about {{input}}.");
        put("prompts/poet/2/system.mustache", "You are a poet.");
        put("prompts/poet/2/user.mustache", "A {{form}} about {{input}}.");
        put("prompts/poet/10/user.mustache", "Version ten: {{input}}.");
        put("prompts/poetry/1/user.mustache", "another template whose name begins the same");
    }

    @AfterEach
    void stop() {
        client.close();
        s3.close();
    }

    @Test
    void versionsAreListedInNumericOrderAndTheLatestIsTheDefault() {
        PromptTemplates templates = PromptTemplates.s3(client, BUCKET);

        assertThat(templates.versions("poet")).containsExactly(1, 2, 10);
        assertThat(templates.get("poet", null).version()).isEqualTo(10);
        var v2 = templates.get("poet", 2);
        assertThat(v2.system()).isEqualTo("You are a poet.");
        assertThat(templates.render(v2, Map.of("input", "rain", "form", "haiku")).user()).isEqualTo("A haiku about rain.");
        assertThat(templates.get("poet", 1).system()).isNull();
    }

    @Test
    void aMissingTemplateOrVersionIsNotFound() {
        PromptTemplates templates = PromptTemplates.s3(client, BUCKET);

        assertThat(templates.versions("sonnet")).isEmpty();
        assertThat(templates.find("sonnet", null)).isEmpty();
        assertThat(templates.find("poet", 3)).isEmpty();
    }

    private void put(String key, String text) {
        client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(text));
    }
}
