package dev.sluice.local;

/** The account and region the local runtime pretends to be, so ARNs look as they will on AWS. */
public record AwsIdentity(String region, String accountId) {

    public static final AwsIdentity LOCAL = new AwsIdentity("us-east-1", "000000000000");

    public String sqsArn(String queue) {
        return "arn:aws:sqs:" + region + ":" + accountId + ":" + queue;
    }

    public String lambdaArn(String function) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + function;
    }

    public String stateMachineArn(String name) {
        return "arn:aws:states:" + region + ":" + accountId + ":stateMachine:" + name;
    }

    public String executionArn(String stateMachine, String execution) {
        return "arn:aws:states:" + region + ":" + accountId + ":execution:" + stateMachine + ":" + execution;
    }

    public String roleArn(String role) {
        return "arn:aws:iam::" + accountId + ":role/" + role;
    }

    public String eventBusArn(String bus) {
        return "arn:aws:events:" + region + ":" + accountId + ":event-bus/" + bus;
    }

    public String ruleArn(String bus, String rule) {
        return "arn:aws:events:" + region + ":" + accountId + ":rule/"
                + (bus.equals("default") ? "" : bus + "/") + rule;
    }
}
