package dev.sluice.workers.ai.cache;

import dev.sluice.core.embed.Embedder;
import dev.sluice.core.embed.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic embedder for tests: each distinct word gets its own dimension (no collisions), a text's vector
 * counts its words and is scaled to unit length, so the cosine of two texts can be worked out by hand.
 */
final class BagOfWordsEmbedder implements Embedder {

    static final int DIMENSIONS = 256;

    private final Map<String, Integer> vocabulary = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile RuntimeException failure;

    @Override
    public String modelId() {
        return "test-bag-of-words";
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public int maxInputTokens() {
        return 512;
    }

    @Override
    public Tokenizer tokenizer() {
        throw new UnsupportedOperationException("the cache never counts tokens");
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        calls.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
        List<float[]> vectors = new ArrayList<>();
        for (String text : texts) {
            float[] v = new float[DIMENSIONS];
            for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (!word.isEmpty()) {
                    v[vocabulary.computeIfAbsent(word, w -> vocabulary.size())]++;
                }
            }
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= (float) Math.sqrt(norm);
            }
            vectors.add(v);
        }
        return vectors;
    }
}
