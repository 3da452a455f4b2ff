package dev.sluice.local.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive takes one event per line and is never left unable to take the next one. */
class EventArchiveTest {

    @TempDir
    Path dir;

    @Test
    void aLineThatIsNotUnicodeIsRefusedAloneAndTheArchiveGoesOn() {
        try (EventArchive archive = new EventArchive(dir)) {
            archive.append("bus", "{\"n\":1}");
            assertThatThrownBy(() -> archive.append("bus", "{\"x\":\"x\ud800y\"}"))
                    .isInstanceOf(IllegalArgumentException.class);
            archive.append("bus", "{\"n\":2}");

            assertThat(archive.events("bus")).containsExactly("{\"n\":1}", "{\"n\":2}");
        }
        try (EventArchive reopened = new EventArchive(dir)) {
            reopened.append("bus", "{\"n\":3}");
            assertThat(reopened.events("bus")).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        }
    }
}
