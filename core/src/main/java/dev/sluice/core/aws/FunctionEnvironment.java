package dev.sluice.core.aws;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The environment variables a handler's constructor reads. On Lambda that is the process
 * environment. The local runtime runs every function in one JVM, so it hands each execution
 * environment its own variables while the handler is constructed.
 */
public final class FunctionEnvironment {

    private static final ThreadLocal<Map<String, String>> DURING_INIT = new ThreadLocal<>();

    private FunctionEnvironment() {
    }

    /** The variables of the function being initialised, else the process environment. */
    public static Map<String, String> current() {
        Map<String, String> env = DURING_INIT.get();
        return env != null ? env : System.getenv();
    }

    /**
     * Runs {@code init} (a handler's construction) with {@code env} as its environment. The handler
     * reads {@code env} itself, not a copy, so a test can record which variables it reads.
     */
    public static <T> T with(Map<String, String> env, Callable<T> init) throws Exception {
        Map<String, String> previous = DURING_INIT.get();
        DURING_INIT.set(Collections.unmodifiableMap(env));
        try {
            return init.call();
        } finally {
            if (previous == null) {
                DURING_INIT.remove();
            } else {
                DURING_INIT.set(previous);
            }
        }
    }
}
