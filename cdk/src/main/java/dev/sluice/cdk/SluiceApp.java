package dev.sluice.cdk;

import dev.sluice.core.topology.Definitions;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * The CDK app: one stack per deployed stage, synthesized offline from the definitions, checked by
 * cdk-nag's AwsSolutions rules (a finding without a suppression fails synth).
 */
public final class SluiceApp {

    /** The CDK CLI release that deploys what this app synthesizes (npm latest, 3.x, rejects its assembly schema). */
    public static final String CDK_CLI_VERSION = "2.1148.1";

    /** What a synth produced: each stack's template path and resource count. */
    public record Synthesized(Path outdir, Map<String, Integer> resourceCounts, CloudAssembly assembly) {
    }

    private SluiceApp() {
    }

    /**
     * The app {@code cdk.json} runs: synthesizes the stage {@code SLUICE_STAGE} names (default dev)
     * into the CDK CLI's {@code CDK_OUTDIR}, with the bundles built under {@code sluice.root}.
     */
    public static void main(String[] args) {
        String stage = System.getenv().getOrDefault("SLUICE_STAGE", "dev");
        Path root = Path.of(System.getProperty("sluice.root", "..")).toAbsolutePath().normalize();
        String outdir = System.getenv().getOrDefault("CDK_OUTDIR", root.resolve("cdk.out").toString());
        synth(Definitions.bundled(), stage, root, Path.of(outdir));
    }

    /**
     * Synthesizes the stack of {@code stage} into {@code outdir}, with the bundles built under
     * {@code root}; one stage per app, as {@code cdk deploy} takes it.
     *
     * @throws dev.sluice.core.topology.DefinitionException when the definitions do not deploy {@code stage}
     */
    public static Synthesized synth(Definitions definitions, String stage, Path root, Path outdir) {
        definitions.deployment(stage);
        App app = new App(AppProps.builder().outdir(outdir.toString())
                .context(Map.of("@aws-cdk/core:annotationsInValidationReport", true)).build());
        new SluiceStack(app, definitions, stage, root);
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        CloudAssembly assembly = app.synth();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CloudFormationStackArtifact stack : assembly.getStacks()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> resources = (Map<String, Object>) ((Map<String, Object>) stack.getTemplate())
                    .get("Resources");
            counts.put(stack.getStackName(), resources.size());
        }
        return new Synthesized(outdir, counts, assembly);
    }
}
