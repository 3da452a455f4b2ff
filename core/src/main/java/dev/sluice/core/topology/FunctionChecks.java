package dev.sluice.core.topology;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The cross-checks of what functions declare, which the schema cannot express: every reference
 * resolves to a declared resource of its kind; every resource an environment names is in the
 * function's uses (a function cannot learn a table's name without declaring its access to it);
 * uses name declared resources; a trigger queue is consumed; the artifact exists and each artifact
 * carries a function; every profile
 * value referred to exists in every profile; state paths stay in the local profile.
 */
record FunctionChecks(Topology topology, String file) {

    void run() {
        unique(topology.artifacts().stream().map(ArtifactSpec::name).toList(), "artifact");
        for (ArtifactSpec artifact : topology.artifacts()) {
            if (topology.functions().stream().noneMatch(f -> artifact.name().equals(f.artifact()))) {
                // A bundle no function ships in would be built, checked and deployed for nothing.
                throw problem("artifact \"" + artifact.name() + "\" carries no function: name it in a function's"
                        + " artifact or remove it");
            }
        }
        unique(topology.searchIndexes(), "search index");
        unique(topology.models(), "model");
        unique(topology.emailIdentities().stream().map(EmailIdentitySpec::name).toList(), "e-mail identity");
        for (Profile profile : topology.profiles()) {
            checkProfile(profile);
        }
        for (EmailIdentitySpec identity : topology.emailIdentities()) {
            String where = "e-mail identity \"" + identity.name() + "\"";
            for (Reference r : references(identity.identity(), where)) {
                if (r.kind() != Reference.Kind.PROFILE) {
                    throw problem(where + ": only ${profile:name} may stand in an identity, not " + r);
                }
                profileValueExists(r, where);
            }
        }
        for (FunctionSpec f : topology.functions()) {
            checkFunction(f);
        }
    }

    private void checkProfile(Profile profile) {
        String where = "profile \"" + profile.name() + "\"";
        profile.values().forEach((name, value) -> {
            if (value == null) {
                return;
            }
            for (Reference r : references(value, where + ": " + name)) {
                switch (r.kind()) {
                    case PROFILE -> throw problem(where + ": " + name + " refers to " + r
                            + "; a profile value cannot refer to another");
                    case STATE_DIR -> {
                        if (!profile.name().equals(Profile.LOCAL)) {
                            throw problem(where + ": " + name + " uses " + r + ", which only the local profile may:"
                                    + " no other runtime has a state directory");
                        }
                    }
                    default -> resolves(r, where + ": " + name);
                }
            }
        });
    }

    private void checkFunction(FunctionSpec f) {
        String where = "function \"" + f.name() + "\"";
        if (f.artifact() != null && topology.artifact(f.artifact()).isEmpty()) {
            throw problem(where + ": artifact \"" + f.artifact() + "\" is not among the artifacts");
        }
        Set<String> seen = new HashSet<>();
        for (Use use : f.uses()) {
            if (!topology.declares(use.kind(), use.name())) {
                throw problem(where + " uses " + use.kind().key() + " \"" + use.name()
                        + "\", which the topology does not declare");
            }
            if (!seen.add(use.kind().key() + "/" + use.name() + "/" + use.prefix())) {
                throw problem(where + " lists " + use.kind().key() + " \"" + use.name() + "\""
                        + (use.prefix() == null ? "" : " with prefix " + use.prefix()) + " twice in its uses");
            }
        }
        if (f.sqsTrigger() != null && f.uses(ResourceKind.QUEUE, f.sqsTrigger().queue()).stream()
                .noneMatch(u -> u.allows("consume"))) {
            throw problem(where + " is triggered by queue \"" + f.sqsTrigger().queue()
                    + "\", so its uses must give it consume access to that queue");
        }
        f.environment().forEach((variable, template) -> {
            String at = where + ": " + variable;
            for (Reference r : references(template, at)) {
                switch (r.kind()) {
                    case STATE_DIR -> throw problem(at + " uses " + r + ": a local path is a value of the local"
                            + " profile, not of a function, which every runtime deploys");
                    case PROFILE -> {
                        profileValueExists(r, at);
                        for (Profile profile : topology.profiles()) {
                            String value = profile.value(r.name());
                            if (value == null) {
                                if (!template.equals(r.toString())) {
                                    throw problem(at + ": " + r + " is not set in profile \"" + profile.name()
                                            + "\", so it can only be the whole value of a variable (left out there)");
                                }
                                continue;
                            }
                            for (Reference inProfile : Reference.in(value)) {
                                if (inProfile.kind().resource() != null) {
                                    covered(f, inProfile, at + " (through profile \"" + profile.name() + "\")");
                                }
                            }
                        }
                    }
                    default -> covered(f, r, at);
                }
            }
        });
    }

    /** The reference names a declared resource, and the function's uses include it. */
    private void covered(FunctionSpec f, Reference r, String at) {
        resolves(r, at);
        ResourceKind kind = r.kind().resource();
        if (f.uses(kind, r.name()).isEmpty()) {
            throw problem(at + " refers to " + kind.key() + " \"" + r.name() + "\", which the function's uses do not"
                    + " declare: a function declares every resource it touches, with its access");
        }
    }

    private void resolves(Reference r, String at) {
        boolean known = switch (r.kind()) {
            case MAX_RECEIVE_COUNT -> topology.queue(r.name()).filter(QueueSpec::hasDeadLetterQueue).isPresent();
            case PROFILE, STATE_DIR -> true;
            default -> topology.declares(r.kind().resource(), r.name());
        };
        if (!known) {
            String what = switch (r.kind()) {
                case MAX_RECEIVE_COUNT -> "queue with a dead-letter queue";
                case WEB_SOCKET_MANAGEMENT -> "WebSocket API";
                default -> r.kind().resource().key();
            };
            throw problem(at + ": " + r + " names no " + what + " of the topology");
        }
    }

    private void profileValueExists(Reference r, String at) {
        if (topology.profiles().isEmpty()) {
            throw problem(at + " refers to " + r + ", but the topology declares no profiles");
        }
        for (Profile profile : topology.profiles()) {
            if (!profile.declares(r.name())) {
                throw problem(at + " refers to " + r + ", which profile \"" + profile.name() + "\" does not declare");
            }
        }
    }

    private List<Reference> references(String text, String at) {
        try {
            return Reference.in(text);
        } catch (IllegalArgumentException e) {
            throw problem(at + ": " + e.getMessage());
        }
    }

    private void unique(List<String> names, String what) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw problem(what + " name \"" + n + "\" is declared twice");
            }
        }
    }

    private DefinitionException problem(String message) {
        return new DefinitionException(file, message);
    }
}
