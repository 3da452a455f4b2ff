package dev.sluice.core.topology;

import java.util.Set;

/**
 * A deployable bundle of handlers: {@code module} is the Maven module that builds it, as
 * {@link #jar()}; {@code architecture} is the Lambda architecture its functions run on, and the
 * only one whose native libraries the bundle carries.
 */
public record ArtifactSpec(String name, String module, String architecture) {

    /** Lambda's instruction set architectures, as its API names them. */
    public static final Set<String> ARCHITECTURES = Set.of("arm64", "x86_64");

    public ArtifactSpec {
        if (!ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("artifact \"" + name + "\": architecture must be arm64 or x86_64, not "
                    + architecture);
        }
    }

    /** The shaded jar {@code mvn package} builds, relative to the repository root. */
    public String jar() {
        return module + "/target/sluice-" + name + "-lambda.jar";
    }
}
