package dev.sluice.workers.push;

import dev.sluice.core.aws.AwsClients;
import dev.sluice.workers.config.Setting;
import java.net.URI;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/** The API Gateway management API ({@code @connections}) of the WebSocket stage the function's environment names. */
public final class ConnectionsApi {

    private ConnectionsApi() {
    }

    /**
     * The SDK's client for WEBSOCKET_MANAGEMENT_URL: {@code https://{api}.execute-api.{region}.amazonaws.com/{stage}},
     * a custom domain's, or the local runtime's. The endpoint always comes from that setting, since
     * each WebSocket API has its own.
     */
    public static ApiGatewayManagementApiClient client(AwsClients aws) {
        String url = Setting.WEBSOCKET_MANAGEMENT_URL.from(aws);
        return aws.build(ApiGatewayManagementApiClient.builder(), URI.create(url));
    }
}
