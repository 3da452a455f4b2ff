package dev.sluice.local.apigw;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The IAM policy a Lambda authorizer answered, evaluated as API Gateway does for each request, cached
 * answer or not: an explicit Deny of the method ARN wins, then an Allow of it; a method no statement
 * names is denied. Resources may use IAM's wildcards {@code *} and {@code ?}.
 */
record AuthorizerPolicy(List<Statement> statements) {

    record Statement(boolean allow, List<Pattern> actions, List<Pattern> resources) {
    }

    /** The policy document's statements; null when it is not an IAM policy the gateway can read. */
    static AuthorizerPolicy parse(JsonNode document) {
        JsonNode raw = document == null ? null : document.get("Statement");
        if (raw == null || raw.isNull()) {
            return null;
        }
        List<Statement> statements = new ArrayList<>();
        for (JsonNode s : raw.isArray() ? raw : List.of(raw)) {
            String effect = s.path("Effect").asText("");
            if (!effect.equals("Allow") && !effect.equals("Deny")) {
                return null;
            }
            List<Pattern> actions = patterns(s.get("Action"));
            List<Pattern> resources = patterns(s.get("Resource"));
            if (actions == null || resources == null) {
                return null;
            }
            statements.add(new Statement(effect.equals("Allow"), actions, resources));
        }
        return new AuthorizerPolicy(List.copyOf(statements));
    }

    boolean allows(String methodArn) {
        boolean allowed = false;
        for (Statement s : statements) {
            boolean applies = s.actions().stream().anyMatch(a -> a.matcher("execute-api:Invoke").matches())
                    && s.resources().stream().anyMatch(r -> r.matcher(methodArn).matches());
            if (applies && !s.allow()) {
                return false;
            }
            allowed |= applies;
        }
        return allowed;
    }

    private static List<Pattern> patterns(JsonNode node) {
        if (node == null || !(node.isTextual() || node.isArray())) {
            return null;
        }
        List<Pattern> patterns = new ArrayList<>();
        for (JsonNode value : node.isArray() ? node : List.of(node)) {
            if (!value.isTextual()) {
                return null;
            }
            patterns.add(glob(value.asText()));
        }
        return patterns;
    }

    private static Pattern glob(String wildcard) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : wildcard.toCharArray()) {
            if (c == '*' || c == '?') {
                regex.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
                literal.setLength(0);
            } else {
                literal.append(c);
            }
        }
        return Pattern.compile(regex.append(Pattern.quote(literal.toString())).toString(), Pattern.DOTALL);
    }
}
