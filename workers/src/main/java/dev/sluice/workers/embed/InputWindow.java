package dev.sluice.workers.embed;

import dev.sluice.core.embed.Embedder;
import dev.sluice.core.failure.PortFailure;
import dev.sluice.core.embed.Tokenizer;
import java.util.List;

/**
 * A model's input window: the tokenizer its inputs are counted with and how many tokens fit. The
 * chunker sizes chunks by it, and every text is checked against it before it reaches the model: a
 * text over it is refused, never truncated (both langchain4j and Bedrock would cut it silently),
 * and an empty one has nothing to embed. Either is permanent: the same text fails the same way.
 *
 * @param estimated the tokenizer is not the model's own, so counts are approximate
 */
public record InputWindow(String modelId, Tokenizer tokenizer, int maxTokens, boolean estimated) {

    public void check(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            int tokens = tokenizer.count(texts.get(i));
            if (tokens > maxTokens) {
                throw PortFailure.permanent(Embedder.FAILED, "text " + i + " has " + (estimated ? "about " : "")
                        + tokens + " tokens; " + modelId + " takes at most " + maxTokens, null);
            }
            if (tokens == 0) {
                throw PortFailure.permanent(Embedder.FAILED, "text " + i + " has no tokens to embed", null);
            }
        }
    }
}
