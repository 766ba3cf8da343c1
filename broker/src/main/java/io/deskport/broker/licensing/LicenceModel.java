package io.deskport.broker.licensing;

/** What holds a seat of a licence product. */
public enum LicenceModel {
    /** A user, from the first use on; freed after the product's unused days, or by an admin (RDS per-user CAL, VDI per-user). */
    NAMED_USER,
    /** A user while they have a session (optionally not while it is disconnected); given back at logoff. */
    CONCURRENT_USER,
    /** A client device (the id the portal keeps in the browser and reports at connect); freed like a named user's. */
    PER_DEVICE,
    /** A provisioned desktop, from its creation to its deletion (VDI per-machine); a pool without a seat does not grow. */
    PER_DESKTOP;

    /** @return whether the seat stays with its holder after their sessions end */
    public boolean assigned() {
        return this == NAMED_USER || this == PER_DEVICE;
    }
}
