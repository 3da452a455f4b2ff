package dev.sluice.cli.bench;

import dev.sluice.local.AwsIdentity;
import dev.sluice.local.sqs.LocalSqs;
import java.util.concurrent.CountDownLatch;

/** A benchmark baseline in its own JVM: one local component alone ("sqs") or nothing at all. */
public final class ComponentOnly {

    static final String READY = "component ready";

    private ComponentOnly() {
    }

    public static void main(String[] args) throws InterruptedException {
        AutoCloseable component = switch (args[0]) {
            case "sqs" -> LocalSqs.start(AwsIdentity.LOCAL);
            case "nothing" -> () -> { };
            default -> throw new IllegalArgumentException("unknown component " + args[0]);
        };
        System.out.println(READY);
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                component.close();
            } catch (Exception e) {
                System.err.println("stop failed: " + e);
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}
