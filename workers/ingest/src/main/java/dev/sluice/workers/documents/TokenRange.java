package dev.sluice.workers.documents;

/** Tokens {@code [from, to)} of one section. */
record TokenRange(int from, int to) {

    int size() {
        return to - from;
    }
}
