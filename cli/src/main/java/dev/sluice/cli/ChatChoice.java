package dev.sluice.cli;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sluice up --chat}: which chat model the local stack's AI workers call, as values of the local
 * profile. {@code local} is the offline provider; {@code bedrock} is Bedrock as the user's own SDK
 * settings resolve it (credentials and region from the environment or profile, and
 * {@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME} when set: real Bedrock, or any double);
 * {@code openai=URL[#model]} is the user's OpenAI-compatible server.
 */
record ChatChoice(String kind, Map<String, String> profileValues) {

    static final String USAGE = "--chat must be local, bedrock or openai=URL[#model]";

    ChatChoice {
        profileValues = Map.copyOf(profileValues);
    }

    /** @param userEnv the environment {@code sluice up} was started with */
    static ChatChoice parse(String value, Map<String, String> userEnv) {
        if (value.equals("local")) {
            return new ChatChoice("local", Map.of());
        }
        if (value.equals("bedrock")) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("chatModel", "bedrock");
            values.put("aiRoutes", "bedrock");
            values.put("bedrockCredentials", "process");
            String endpoint = userEnv.get("AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
            if (endpoint != null && !endpoint.isBlank()) {
                values.put("bedrockEndpoint", endpoint);
            }
            return new ChatChoice("bedrock", values);
        }
        if (value.startsWith("openai=")) {
            String target = value.substring("openai=".length());
            int hash = target.indexOf('#');
            String url = hash < 0 ? target : target.substring(0, hash);
            String model = hash < 0 ? null : target.substring(hash + 1);
            URI base;
            try {
                base = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(USAGE + ": " + url + " is not a URL");
            }
            if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
                throw new IllegalArgumentException(USAGE + ": " + url + " is not an http(s) URL");
            }
            if (model != null && model.isBlank()) {
                throw new IllegalArgumentException(USAGE + ": the model after # is empty");
            }
            Map<String, String> values = new LinkedHashMap<>();
            values.put("chatModel", "openai");
            values.put("aiRoutes", "openai");
            values.put("openAiBaseUrl", url);
            if (model != null) {
                values.put("openAiModel", model);
            }
            return new ChatChoice("openai", values);
        }
        throw new IllegalArgumentException(USAGE + ", not " + value);
    }
}
