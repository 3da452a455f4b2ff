package dev.sluice.local.stepfunctions.asl;

import java.time.Duration;

/** How Wait states and retry intervals pass time; tests inject one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    Sleeper THREAD = Thread::sleep;

    void sleep(Duration duration) throws InterruptedException;
}
