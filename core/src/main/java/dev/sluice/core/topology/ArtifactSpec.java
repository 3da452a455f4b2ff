package dev.sluice.core.topology;

/** A deployable bundle of handlers: {@code module} is the Maven module that builds it. */
public record ArtifactSpec(String name, String module) {
}
