package dev.sluice.workers.support;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** A Lambda context for tests: function {@code jobs-worker}, with the remaining time given. */
public record TestContext(int remainingMillis) implements Context {

    public TestContext() {
        this(8000);
    }

    @Override public String getAwsRequestId() { return "req-1"; }
    @Override public String getLogGroupName() { return "/aws/lambda/jobs-worker"; }
    @Override public String getLogStreamName() { return "test"; }
    @Override public String getFunctionName() { return "jobs-worker"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:jobs-worker"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return remainingMillis; }
    @Override public int getMemoryLimitInMB() { return 512; }
    @Override public LambdaLogger getLogger() { return null; }
}
