package dev.sluice.cli.where;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.topology.Definitions;
import dev.sluice.operations.deployment.UnknownResourceException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * {@code --stack}: the real SDK client against a loopback stand-in for CloudFormation (no CloudFormation runs
 * here), which checks the request on the wire and answers as the query protocol does.
 */
class StackDeploymentTest {

    private static final String STACK = """
            <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <DescribeStacksResult><Stacks><member>
                <StackName>sluice-dev</StackName><StackStatus>UPDATE_COMPLETE</StackStatus>
                <CreationTime>2026-12-01T10:00:00Z</CreationTime>
                <Outputs>
                  <member><OutputKey>QueueUrlEmailDlq</OutputKey><Description>queueUrl:email-dlq</Description>
                    <OutputValue>https://sqs.eu-west-1.amazonaws.com/123456789012/sluice-dev-QueueEmailDlq-AbC</OutputValue></member>
                  <member><OutputKey>TableSluiceAudit</OutputKey><Description>table:sluice-audit</Description>
                    <OutputValue>sluice-dev-TableSluiceAudit-XyZ</OutputValue></member>
                  <member><OutputKey>FunctionNotifier</OutputKey><Description>function:notifier</Description>
                    <OutputValue>arn:aws:lambda:eu-west-1:123456789012:function:sluice-dev-Notifier-Q1:live</OutputValue></member>
                  <member><OutputKey>Unrelated</OutputKey><OutputValue>no description</OutputValue></member>
                </Outputs>
              </member></Stacks></DescribeStacksResult>
              <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
            </DescribeStacksResponse>""";
    private static final String MISSING = """
            <ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
              <Error><Type>Sender</Type><Code>ValidationError</Code>
                <Message>Stack with id nope does not exist</Message></Error>
              <RequestId>r-2</RequestId>
            </ErrorResponse>""";

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private CloudFormationClient cloudFormation;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(URLDecoder.decode(body, StandardCharsets.UTF_8));
            boolean known = body.contains("StackName=sluice-dev");
            byte[] answer = (known ? STACK : MISSING).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(known ? 200 : 400, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        cloudFormation = CloudFormationClient.builder().region(Region.EU_WEST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
                .build();
    }

    @AfterEach
    void stop() {
        cloudFormation.close();
        server.stop(0);
    }

    @Test
    void everyNameComesFromTheOutputThatDescribesIt() {
        StackDeployment stack = StackDeployment.open(Definitions.bundled().topology(), "sluice-dev", cloudFormation);

        assertThat(requests).singleElement().satisfies(r -> assertThat(r)
                .contains("Action=DescribeStacks").contains("StackName=sluice-dev"));
        assertThat(stack.queueUrl("email-dlq"))
                .isEqualTo("https://sqs.eu-west-1.amazonaws.com/123456789012/sluice-dev-QueueEmailDlq-AbC");
        assertThat(stack.tableName("sluice-audit")).isEqualTo("sluice-dev-TableSluiceAudit-XyZ");
        assertThat(stack.functionArn("notifier")).endsWith(":function:sluice-dev-Notifier-Q1:live");
        assertThat(stack.description()).isEqualTo("stack sluice-dev in eu-west-1");
        assertThat(stack.metrics()).isEmpty();
        stack.close();
    }

    @Test
    void aNameTheStackDoesNotOutputIsAnErrorNamingTheOnesItDoes() {
        StackDeployment stack = StackDeployment.open(Definitions.bundled().topology(), "sluice-dev", cloudFormation);

        assertThatThrownBy(() -> stack.queueUrl("emial-dlq")).isInstanceOf(UnknownResourceException.class)
                .hasMessage("unknown queueUrl \"emial-dlq\"; the stack has email-dlq");
    }

    @Test
    void aStackThatDoesNotExistIsOneLineSayingSo() {
        assertThatThrownBy(() -> StackDeployment.open(Definitions.bundled().topology(), "nope", cloudFormation))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stack \"nope\": Stack with id nope does not exist");
    }
}
