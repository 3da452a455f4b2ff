package dev.sluice.local.apigw;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;

/**
 * A WebSocket handler written against aws-lambda-java-events' types, loaded by class name: it
 * refuses a {@code $connect} whose query has {@code deny}, and answers a message with what it
 * read of the event, so a test sees the event through the handler's eyes.
 */
public final class EchoWebSocketHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        APIGatewayV2WebSocketEvent.RequestContext request = event.getRequestContext();
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(200);
        if (request.getEventType().equals("CONNECT") && event.getQueryStringParameters() != null
                && event.getQueryStringParameters().containsKey("deny")) {
            response.setStatusCode(403);
        } else if (request.getEventType().equals("MESSAGE")) {
            response.setBody(request.getRouteKey() + "|" + request.getConnectionId() + "|" + request.getStage() + "|"
                    + request.getIdentity().getSourceIp() + "|" + event.getBody());
        }
        return response;
    }
}
