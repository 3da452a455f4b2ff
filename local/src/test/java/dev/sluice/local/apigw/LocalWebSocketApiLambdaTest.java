package dev.sluice.local.apigw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.topology.FunctionSpec;
import dev.sluice.local.AwsIdentity;
import dev.sluice.local.lambda.LocalLambda;
import dev.sluice.local.support.Await;
import dev.sluice.local.support.Invocations;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/** The API in front of a real handler class, run by the local Lambda service as the runtime runs it. */
class LocalWebSocketApiLambdaTest {

    @Test
    void aHandlerWrittenAgainstTheLambdaEventTypesSeesEveryRouteOfOneConnection() throws Exception {
        Invocations invocations = new Invocations();
        try (LocalLambda lambda = new LocalLambda(List.of(new FunctionSpec("ws", EchoWebSocketHandler.class.getName(),
                256, 5, null)), AwsIdentity.LOCAL, getClass().getClassLoader(), 100);
                LocalWebSocketApi api = LocalWebSocketApi.start("a1b2c3d4e5", "live", "ws",
                        Set.of("$connect", "$disconnect", "$default"), lambda::invoke,
                        AwsBasicCredentials.create("AKIDLOCAL", "local-secret"), "us-east-1", Limits.aws())) {
            lambda.addListener(invocations);

            assertThatThrownBy(() -> WebSocketClient.connect(URI.create(api.webSocketUrl() + "?deny=1")))
                    .isInstanceOfSatisfying(WebSocketHandshakeException.class,
                            e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));

            WebSocketClient client = WebSocketClient.connect(api.webSocketUrl());
            client.send("hello");
            String reply = client.nextText();
            client.close(1000, "bye");
            Await.until("the $disconnect", () -> invocations.all().size() == 4);

            String id = invocations.all().get(1).payload().get("requestContext").get("connectionId").asText();
            assertThat(reply).isEqualTo("$default|" + id + "|live|127.0.0.1|hello");
            assertThat(invocations.all()).extracting(i -> i.payload().get("requestContext").get("routeKey").asText())
                    .containsExactly("$connect", "$connect", "$default", "$disconnect");
            assertThat(invocations.all().subList(1, 4))
                    .allSatisfy(i -> assertThat(i.payload().get("requestContext").get("connectionId").asText())
                            .isEqualTo(id))
                    .allSatisfy(i -> assertThat(i.error()).isNull());
        }
    }
}
