package dev.sluice.local.apigw;

import dev.sluice.core.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers itself (a head over the size limit, a URI it cannot parse) in API
 * Gateway's shape, {@code {"message": ...}} as JSON, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    static byte[] body(String message) {
        return Json.write(Json.object().put("message", message)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer code ? code : response.getStatus();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(HttpStatus.getMessage(status))), callback);
        return true;
    }
}
