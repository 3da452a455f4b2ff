package dev.sluice.core.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/** A response of the Sluice HTTP API: its status, JSON body (null when empty or not JSON) and headers. */
public record ApiResponse(int status, JsonNode body, HttpHeaders headers) {

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }
}
