package dev.sluice.workers.ai.config;

/**
 * What a request gets when its payload does not say.
 *
 * @param historyTokens the most (estimated) tokens of a session's earlier turns sent with a request
 * @param documents how many chunks a request with {@code useDocuments} retrieves
 */
public record GatewayDefaults(int maxTokens, double temperature, int historyTokens, int documents) {
}
