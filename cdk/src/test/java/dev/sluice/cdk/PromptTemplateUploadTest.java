package dev.sluice.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.json.Json;
import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.core.topology.ResourceKind;
import dev.sluice.core.topology.Use;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The stack uploads the repo's prompt templates into the templates bucket at deploy time, under the
 * prefix the AI workers and the api read, so a new stack's AI jobs find them.
 */
class PromptTemplateUploadTest {

    private final Synthesized dev = Synthesized.stage("dev");

    @Test
    void theRepoTemplatesAreUploadedIntoTheTemplatesBucketUnderPromptsAndNothingIsPrunedOrDeleted() throws IOException {
        Map<String, JsonNode> uploads = dev.resources("Custom::CDKBucketDeployment");
        assertThat(uploads).hasSize(1);
        JsonNode upload = uploads.values().iterator().next().path("Properties");
        assertThat(Synthesized.ref(upload.path("DestinationBucketName"))).isEqualTo(
                dev.resource("AWS::S3::Bucket", "Bucket" + LogicalIds.of(PromptTemplateUpload.BUCKET)).getKey());
        assertThat(upload.path("DestinationBucketKeyPrefix").asText()).isEqualTo("prompts/");
        assertThat(upload.path("Prune").asBoolean(true)).isFalse();
        assertThat(upload.path("RetainOnDelete").asBoolean(false)).isTrue();

        assertThat(upload.path("SourceObjectKeys")).hasSize(1);
        String hash = upload.path("SourceObjectKeys").get(0).asText().replace(".zip", "");
        JsonNode asset = Json.MAPPER.readTree(dev.outdir.resolve(SluiceStack.name("dev") + ".assets.json").toFile())
                .path("files").path(hash);
        assertThat(asset.path("source").path("packaging").asText()).isEqualTo("zip");
        Path shipped = dev.outdir.resolve(asset.path("source").path("path").asText());
        Map<String, String> repo = files(Synthesized.ROOT.resolve("templates/prompts"));
        assertThat(repo).containsKeys("magicSpark/1/user.mustache", "magicSpark/2/system.mustache",
                "contentCrafter/1/user.mustache");
        assertThat(files(shipped)).isEqualTo(repo);
    }

    /** The readers' {@code uses} are what they may read: the upload must land exactly there. */
    @Test
    void theUploadLandsWhereEveryFunctionThatReadsTemplatesLooks() {
        List<Use> reads = new ArrayList<>();
        for (FunctionSpec f : Synthesized.DEFINITIONS.topology().functions()) {
            f.uses().stream().filter(u -> u.kind() == ResourceKind.BUCKET
                    && u.name().equals(PromptTemplateUpload.BUCKET)).forEach(reads::add);
        }
        assertThat(reads).isNotEmpty().allSatisfy(u -> assertThat(u.prefix()).isEqualTo(PromptTemplateUpload.PREFIX));
    }

    @Test
    void theUploadsRoleMayOnlyListAndPutTemplatesReadItsAssetAndMakeDataKeysThroughS3() {
        JsonNode handler = dev.resources("AWS::Lambda::Function").entrySet().stream()
                .filter(e -> e.getKey().startsWith("CustomCDKBucketDeployment")).map(Map.Entry::getValue)
                .findFirst().orElseThrow();
        JsonNode function = handler.path("Properties");
        String role = Synthesized.ref(function.path("Role"));
        assertThat(role).matches("PromptTemplatesRole[0-9A-F]{8}");
        // The upload (which calls the handler) runs once the role's policy exists.
        assertThat(handler.path("DependsOn").toString()).contains("PromptTemplatesRoleDefaultPolicy");
        assertThat(Synthesized.refs(function.path("LoggingConfig"))).anyMatch(r -> r.startsWith("PromptTemplatesLogs"));
        List<JsonNode> statements = new ArrayList<>();
        dev.resources("AWS::IAM::Policy").values().stream()
                .filter(p -> Synthesized.refs(p.path("Properties").path("Roles")).contains(role))
                .forEach(p -> p.at("/Properties/PolicyDocument/Statement").forEach(statements::add));
        Map<String, String> actions = new TreeMap<>();
        statements.forEach(s -> actions.put(s.path("Sid").asText(), s.path("Action").toString()));
        assertThat(actions).isEqualTo(Map.of(
                "ReadAsset", "\"s3:GetObject\"",
                "ListTemplates", "\"s3:ListBucket\"",
                "PutTemplates", "\"s3:PutObject\"",
                "KeyS3", "[\"kms:GenerateDataKey\",\"kms:Decrypt\"]",
                "WriteLogs", "[\"logs:CreateLogStream\",\"logs:PutLogEvents\"]"));
        String bucket = dev.resource("AWS::S3::Bucket", "Bucket" + LogicalIds.of(PromptTemplateUpload.BUCKET)).getKey();
        JsonNode put = statement(statements, "PutTemplates");
        assertThat(Synthesized.refs(put.path("Resource"))).containsExactly(bucket);
        assertThat(put.path("Resource").toString()).endsWith("\"/prompts/*\"]]}");
        assertThat(statement(statements, "ListTemplates").at("/Condition/StringLike/s3:prefix").toString())
                .isEqualTo("[\"prompts/*\"]");
        assertThat(statement(statements, "ReadAsset").path("Resource").toString()).contains("cdk-")
                .contains(dev.resources("Custom::CDKBucketDeployment").values().iterator().next()
                        .at("/Properties/SourceObjectKeys/0").asText());
        assertThat(statement(statements, "KeyS3").path("Resource").toString())
                .contains(dev.resource("AWS::KMS::Key", "Key").getKey());
    }

    private static JsonNode statement(List<JsonNode> statements, String sid) {
        return statements.stream().filter(s -> s.path("Sid").asText().equals(sid)).findFirst().orElseThrow();
    }

    /** Every file under {@code dir}, by its path relative to it, to its text. */
    private static Map<String, String> files(Path dir) throws IOException {
        Map<String, String> found = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(f -> {
                try {
                    found.put(dir.relativize(f).toString().replace('\\', '/'), Files.readString(f));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return found;
    }
}
