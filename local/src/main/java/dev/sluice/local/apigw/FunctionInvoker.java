package dev.sluice.local.apigw;

import dev.sluice.local.lambda.FunctionError;

/** How the API reaches its integration: a synchronous Lambda invocation ({@code LocalLambda::invoke} fits). */
@FunctionalInterface
public interface FunctionInvoker {

    byte[] invoke(String function, byte[] payload) throws FunctionError;
}
