package dev.sluice.workers.idempotency;

/**
 * One item of the idempotency table.
 *
 * @param expiration epoch seconds after which the record no longer counts (and DynamoDB's TTL
 *     deletes it, eventually)
 * @param data the result as JSON; null until COMPLETED
 * @param validation hash of the payload; null when not validated
 * @param inProgressExpiration epoch millis after which an INPROGRESS record is taken for a run that
 *     died (its Lambda timed out or crashed); null if absent from the item
 */
record DataRecord(String id, Status status, long expiration, String data, String validation,
        Long inProgressExpiration) {

    enum Status { INPROGRESS, COMPLETED }
}
