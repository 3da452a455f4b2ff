package dev.sluice.core.ai;

/** Where a streamed answer's text goes as it comes: the WebSocket relay, or nowhere. */
public interface DeltaSink {

    DeltaSink NONE = new DeltaSink() {
        @Override
        public void accept(String text) {
        }

        @Override
        public void reset(String reason) {
        }
    };

    /** The next piece of the answer, in order. */
    void accept(String text);

    /**
     * Everything sent so far is void: the answer starts again (a retry or a fallback after a stream
     * failed midway), and the reason says why.
     */
    void reset(String reason);
}
