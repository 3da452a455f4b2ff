package dev.sluice.workers.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.core.failure.PortFailure;
import dev.sluice.workers.tokenizer.BgeTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BgeSmallEmbedderTest {

    private static final List<String> TEXTS = List.of(
            "The invoice is overdue and must be paid by Friday.",
            "Payment for this bill is late; please settle it before the end of the week.",
            "A red fox jumped over the sleeping dog in the meadow.");

    private final BgeSmallEmbedder embedder = new BgeSmallEmbedder();

    @Test
    void describesTheModel() {
        assertThat(embedder.modelId()).isEqualTo("bge-small-en-v1.5-q");
        assertThat(embedder.dimensions()).isEqualTo(384);
        assertThat(embedder.maxInputTokens()).isEqualTo(510);
        assertThat(embedder.tokenizer()).isSameAs(BgeTokenizer.shared());
    }

    @Test
    void makesUnitVectorsOf384Dimensions() {
        List<float[]> vectors = embedder.embed(TEXTS);
        assertThat(vectors).hasSize(3);
        for (float[] vector : vectors) {
            assertThat(vector).hasSize(384);
            assertThat(dot(vector, vector)).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void isDeterministicAndOrderIndependent() {
        List<float[]> forward = embedder.embed(TEXTS);
        List<float[]> single = embedder.embed(List.of(TEXTS.get(2)));
        assertThat(single.getFirst()).containsExactly(forward.get(2));
        assertThat(forward.get(0)).isNotEqualTo(forward.get(2));
    }

    @Test
    void placesParaphrasesCloserThanUnrelatedText() {
        List<float[]> v = embedder.embed(TEXTS);
        double paraphrase = dot(v.get(0), v.get(1));
        double unrelated = dot(v.get(0), v.get(2));
        assertThat(paraphrase).isGreaterThan(unrelated + 0.2);
    }

    @Test
    void refusesTextOverTheWindowNamingItsTokenCount() {
        // 128 repetitions of four tokens (lore ##m ip ##sum): 512, two over the window.
        String tooLong = "lorem ipsum ".repeat(128);
        String fits = "lorem ipsum ".repeat(127) + "lorem";
        assertThat(embedder.tokenizer().count(fits)).isEqualTo(510);
        assertThat(embedder.embed(List.of(fits)).getFirst()).hasSize(384);
        assertThatThrownBy(() -> embedder.embed(List.of("short", tooLong)))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("text 1 has 512 tokens");
    }

    @Test
    void aQueryIsEmbeddedAfterTheRetrievalInstructionAndAPassageWithout() {
        String query = "when is the invoice due";
        assertThat(embedder.tokenizer().count(BgeSmallEmbedder.QUERY_INSTRUCTION))
                .isEqualTo(BgeSmallEmbedder.QUERY_INSTRUCTION_TOKENS);
        assertThat(embedder.embedQuery(query))
                .containsExactly(embedder.embed(List.of(BgeSmallEmbedder.QUERY_INSTRUCTION + query)).getFirst())
                .isNotEqualTo(embedder.embed(List.of(query)).getFirst());
    }

    @Test
    void aQueryIsCheckedOnItsOwnAndLeavesRoomForTheInstruction() {
        assertThatThrownBy(() -> embedder.embedQuery(" \n "))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isFalse());
        int room = BgeSmallEmbedder.MAX_INPUT_TOKENS - BgeSmallEmbedder.QUERY_INSTRUCTION_TOKENS;
        String fits = "a ".repeat(room);
        assertThat(embedder.tokenizer().count(fits)).isEqualTo(room);
        assertThat(embedder.embedQuery(fits)).hasSize(384);
        assertThatThrownBy(() -> embedder.embedQuery(fits + "a"))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void refusesTextWithoutTokens() {
        assertThatThrownBy(() -> embedder.embed(List.of(" \n ")))
                .isInstanceOfSatisfying(PortFailure.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void givesTheSameVectorsToFourThreadsAtOnce() throws Exception {
        List<float[]> expected = embedder.embed(TEXTS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<float[]>>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // Each thread has its own embedder, as each concurrent handler instance does: one model beneath.
                results.add(pool.submit(() -> {
                    BgeSmallEmbedder own = new BgeSmallEmbedder();
                    List<float[]> last = null;
                    for (int round = 0; round < 3; round++) {
                        last = own.embed(TEXTS);
                    }
                    return last;
                }));
            }
            for (Future<List<float[]>> result : results) {
                List<float[]> vectors = result.get(2, TimeUnit.MINUTES);
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertThat(vectors.get(i)).containsExactly(expected.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loadsInAJvmWithACommandLineOverFourKilobytes() throws IOException, InterruptedException {
        // ONNX Runtime overflows the default thread stack reading a long /proc/self/cmdline (see
        // BgeSmallEmbedder); a child JVM with an 8 KB argument crashes with SIGSEGV without the big-stack loader.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Dpadding=" + "x".repeat(8192),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                LoadAndEmbed.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("dimensions=384");
    }

    @Test
    void aNewEmbedderLeavesTheModelUnloadedUntilItsFirstEmbed() throws IOException, InterruptedException {
        // In a JVM of its own: in this one, the other tests have loaded the shared model already.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ConstructOnly.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(output).contains("loaded after construction: false");
    }

    /** The child of {@link #aNewEmbedderLeavesTheModelUnloadedUntilItsFirstEmbed}. */
    public static final class ConstructOnly {
        public static void main(String[] args) {
            new BgeSmallEmbedder();
            System.out.println("loaded after construction: " + BgeSmallEmbedder.modelLoaded());
        }
    }

    /** The child of {@link #loadsInAJvmWithACommandLineOverFourKilobytes}. */
    public static final class LoadAndEmbed {
        public static void main(String[] args) {
            System.out.println("dimensions=" + new BgeSmallEmbedder().embed(List.of("hello")).getFirst().length);
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
