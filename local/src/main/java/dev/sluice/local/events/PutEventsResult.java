package dev.sluice.local.events;

/** The outcome of one entry: an event id, or AWS's per-entry error code and message. */
public record PutEventsResult(String eventId, String errorCode, String errorMessage) {

    static PutEventsResult accepted(String eventId) {
        return new PutEventsResult(eventId, null, null);
    }

    static PutEventsResult failed(String errorCode, String errorMessage) {
        return new PutEventsResult(null, errorCode, errorMessage);
    }

    public boolean isFailed() {
        return errorCode != null;
    }
}
