package io.deskport.broker.licensing;

/** What happens when every seat of a licence is in use. */
public enum Enforcement {
    /** A connect (or a new desktop) that needs another seat is refused: LICENCE_EXHAUSTED. */
    HARD,
    /** Allowed up to the licence's overuse margin; the overuse is recorded and alerted, then refused. */
    SOFT
}
