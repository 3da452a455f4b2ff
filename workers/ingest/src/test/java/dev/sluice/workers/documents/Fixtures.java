package dev.sluice.workers.documents;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The sample documents under src/test/resources/documents. */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/documents/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
