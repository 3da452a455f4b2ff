package dev.sluice.core.topology;

import java.util.List;

/**
 * An API Gateway API whose every route integrates one function: an HTTP API whose routes are
 * {@code "METHOD /path/{param}"}, or a WebSocket API whose routes are route keys such as
 * {@code $connect}, reached at {@code /{stage}}.
 */
public record ApiSpec(String name, Protocol protocol, String stage, String function, List<String> routes) {

    public enum Protocol { HTTP, WEBSOCKET }

    public ApiSpec {
        routes = List.copyOf(routes);
    }
}
