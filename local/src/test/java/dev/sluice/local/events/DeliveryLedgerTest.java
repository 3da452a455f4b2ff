package dev.sluice.local.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the ledger keeps: only what is owed, from a watermark that follows the oldest unfinished event. */
class DeliveryLedgerTest {

    private static final DeliveryLedger.Delivery QUEUE = new DeliveryLedger.Delivery("to-work", "queue");
    private static final DeliveryLedger.Delivery FUNCTION = new DeliveryLedger.Delivery("to-work", "function");
    private static final List<DeliveryLedger.Delivery> BOTH = List.of(QUEUE, FUNCTION);
    /** The rules: every event but the fourth goes to both targets. */
    private static final Function<String, List<DeliveryLedger.Delivery>> RULES =
            json -> json.equals("{\"n\":4}") ? List.of() : BOTH;

    @TempDir
    Path dir;

    @Test
    void aRestartOwesExactlyTheDeliveriesNotDoneAndTheBookkeepingShrinksAsTheyAre() throws Exception {
        long first;
        long second;
        long third;
        try (EventArchive archive = archive(); DeliveryLedger ledger = ledger(archive)) {
            first = ledger.accept("bus", "{\"n\":1}", BOTH);
            second = ledger.accept("bus", "{\"n\":2}", BOTH);
            third = ledger.accept("bus", "{\"n\":3}", BOTH);
            ledger.accept("bus", "{\"n\":4}", List.of());
            ledger.done("bus", first, QUEUE);
            ledger.done("bus", first, FUNCTION);
            ledger.done("bus", second, FUNCTION);
            ledger.done("bus", third, QUEUE);
            ledger.done("bus", third, FUNCTION);
        }

        long end;
        try (EventArchive archive = archive(); DeliveryLedger ledger = ledger(archive)) {
            assertThat(ledger.watermark("bus")).as("the oldest event still owing a delivery").isEqualTo(second);
            assertThat(ledger.recover("bus", RULES)).singleElement().satisfies(owed -> {
                assertThat(owed.offset()).isEqualTo(second);
                assertThat(owed.json()).isEqualTo("{\"n\":2}");
                assertThat(owed.deliveries()).containsExactly(QUEUE);
            });
            ledger.done("bus", second, QUEUE);
            end = archive.end("bus");
        }

        try (EventArchive archive = archive(); DeliveryLedger ledger = ledger(archive)) {
            assertThat(ledger.watermark("bus")).isEqualTo(end);
            assertThat(ledger.recover("bus", RULES)).isEmpty();
            assertThat(Files.readString(dir.resolve("deliveries/bus.done"))).as("nothing left to remember").isEmpty();
        }
    }

    @Test
    void anArchiveOlderThanTheLedgerIsTakenAsDelivered() {
        try (EventArchive archive = archive()) {
            archive.append("bus", "{\"n\":1}");
        }
        try (EventArchive archive = archive(); DeliveryLedger ledger = ledger(archive)) {
            assertThat(ledger.recover("bus", RULES)).isEmpty();
        }
    }

    private EventArchive archive() {
        return new EventArchive(dir.resolve("archive"));
    }

    private DeliveryLedger ledger(EventArchive archive) {
        return new DeliveryLedger(dir.resolve("deliveries"), archive);
    }
}
