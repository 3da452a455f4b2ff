package dev.sluice.local.apigw;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A REST API's routes ({@code "GET /v1/jobs/{id}"}) and what a request finds among them: its route
 * with the path parameters, the methods its path has when its method is not one of them, or nothing.
 */
final class RestRoutes {

    /** A route template: its segments are literals or whole {@code {name}} parameters. */
    record Route(String method, String resource, List<String> segments) {

        /** The path parameters, or null when the path is not this route's. */
        Map<String, String> match(List<String> path) {
            if (path.size() != segments.size()) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < segments.size(); i++) {
                String segment = segments.get(i);
                if (isParameter(segment)) {
                    if (path.get(i).isEmpty()) {
                        return null;
                    }
                    params.put(segment.substring(1, segment.length() - 1), path.get(i));
                } else if (!segment.equals(path.get(i))) {
                    return null;
                }
            }
            return params;
        }
    }

    sealed interface Lookup {
    }

    record Found(Route route, Map<String, String> pathParameters) implements Lookup {
    }

    /** The path is a route's, but not with this method: API Gateway's 405 names the ones it has. */
    record MethodNotAllowed(Set<String> allowed) implements Lookup {
    }

    record NotFound() implements Lookup {
    }

    private final List<Route> routes;

    RestRoutes(List<String> specs) {
        this.routes = specs.stream().map(RestRoutes::route).toList();
    }

    /** @param path the path's segments, already decoded */
    Lookup find(String method, List<String> path) {
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> params = route.match(path);
            if (params != null) {
                if (route.method().equals(method)) {
                    return new Found(route, params);
                }
                allowed.add(route.method());
            }
        }
        return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(allowed);
    }

    /** The segments of a path after its leading slash: {@code /v1/jobs} is [v1, jobs], {@code /} is [""]. */
    static List<String> segments(String path) {
        return List.of((path.startsWith("/") ? path.substring(1) : path).split("/", -1));
    }

    private static Route route(String spec) {
        String[] parts = spec.split(" ", 2);
        if (parts.length != 2 || !parts[1].startsWith("/")) {
            throw new IllegalArgumentException("route \"" + spec + "\" is not METHOD /path");
        }
        List<String> segments = segments(parts[1]);
        for (String segment : segments) {
            boolean braces = segment.contains("{") || segment.contains("}");
            if (braces && (!isParameter(segment) || segment.endsWith("+}"))) {
                throw new IllegalArgumentException("route \"" + spec + "\": only whole-segment {name} parameters "
                        + "are supported, not \"" + segment + "\"");
            }
        }
        return new Route(parts[0], parts[1], segments);
    }

    private static boolean isParameter(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }
}
