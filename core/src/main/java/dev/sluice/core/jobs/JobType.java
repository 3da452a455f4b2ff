package dev.sluice.core.jobs;

import java.util.Arrays;

/** The kinds of job, by the name they carry on the wire. */
public enum JobType {
    AI_REQUEST("ai.request"), ANALYTICS_EVENT("analytics.event"), EMAIL_SEND("email.send");

    private final String wire;

    JobType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static JobType fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown job type " + name));
    }
}
