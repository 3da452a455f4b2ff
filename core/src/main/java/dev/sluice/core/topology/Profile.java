package dev.sluice.core.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The values one profile (a stage: {@code local}, {@code dev}, {@code staging}, {@code prod}) gives
 * the functions' environments through {@code ${profile:name}}. A value is a literal or holds
 * references ({@code ${stateDir:...}} in the local profile only); a null value is not set in this
 * profile, and a variable whose whole value is that reference is left out of the environment.
 */
public record Profile(String name, Map<String, String> values) {

    /** The profile the local runtime runs. */
    public static final String LOCAL = "local";

    public Profile {
        // Nulls are values here ("not set"), which Map.copyOf refuses.
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean declares(String value) {
        return values.containsKey(value);
    }

    /** The value, or null when it is not set in this profile. */
    public String value(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("profile \"" + this.name + "\" has no value \"" + name + "\"");
        }
        return values.get(name);
    }

    /**
     * This profile with some values replaced, as a test or a developer asks for them explicitly.
     *
     * @throws IllegalArgumentException naming a value this profile does not declare
     */
    public Profile with(Map<String, String> overrides) {
        Map<String, String> changed = new LinkedHashMap<>(values);
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            if (!values.containsKey(o.getKey())) {
                throw new IllegalArgumentException("profile \"" + name + "\" has no value \"" + o.getKey()
                        + "\" to override; it has " + new TreeSet<>(values.keySet()));
            }
            changed.put(o.getKey(), o.getValue());
        }
        return new Profile(name, changed);
    }

    /**
     * A function's environment under this profile: each {@code ${profile:name}} replaced by this
     * profile's value, then every other reference by {@code resources} (the runtime's own values).
     * A variable that is exactly a reference to a value not set here is left out.
     */
    public Map<String, String> resolve(Map<String, String> environment, Function<Reference, String> resources) {
        Map<String, String> resolved = new LinkedHashMap<>();
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            String template = variable.getValue();
            var whole = Reference.whole(template).filter(r -> r.kind() == Reference.Kind.PROFILE);
            if (whole.isPresent() && value(whole.get().name()) == null) {
                continue;
            }
            String profiled = Reference.substitute(template, r -> {
                if (r.kind() != Reference.Kind.PROFILE) {
                    return r.toString();
                }
                String value = value(r.name());
                if (value == null) {
                    throw new IllegalArgumentException(variable.getKey() + ": " + r + " is not set in profile \""
                            + name + "\"");
                }
                return value;
            });
            resolved.put(variable.getKey(), Reference.substitute(profiled, resources));
        }
        return resolved;
    }
}
