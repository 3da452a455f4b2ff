package dev.sluice.local.lambda;

/** Told of every invocation as it ends: how operators (and tests) watch the local Lambda service. */
@FunctionalInterface
public interface InvocationListener {

    /**
     * @param response the response payload, or null when the invocation failed
     * @param error    the failure, or null when it returned
     */
    void invoked(String function, byte[] payload, byte[] response, FunctionError error);
}
