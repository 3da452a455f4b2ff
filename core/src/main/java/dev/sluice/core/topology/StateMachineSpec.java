package dev.sluice.core.topology;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A state machine whose Amazon States Language definition is {@code statemachines/<name>.asl.json}.
 * The definition names functions as {@code ${function-name}}; each runtime substitutes the ARN
 * (the local runtime its own, the CDK app through {@code DefinitionSubstitutions}).
 */
public record StateMachineSpec(String name, String definition) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_-]+)}");

    /** The function names the definition refers to, in order of first use. */
    public Set<String> functionReferences() {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(definition);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The definition with every {@code ${function-name}} replaced by {@code functionArn.apply(name)}. */
    public String definition(Function<String, String> functionArn) {
        return PLACEHOLDER.matcher(definition).replaceAll(m -> Matcher.quoteReplacement(functionArn.apply(m.group(1))));
    }
}
