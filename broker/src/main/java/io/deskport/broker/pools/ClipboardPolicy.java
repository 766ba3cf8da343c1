package io.deskport.broker.pools;

/**
 * Which way clipboard text may cross between the user's browser and the desktop of a pool's sessions. The
 * broker's tunnel drops the clipboard streams of a refused direction; the portal says what the pool allows.
 */
public enum ClipboardPolicy {
    /** Both ways: text copied in the browser may be pasted in the desktop, and the other way round. */
    BOTH,
    /** Only into the desktop: nothing the desktop copies reaches the browser. */
    TO_DESKTOP,
    /** Only out of the desktop: nothing from the browser's clipboard reaches the desktop. */
    FROM_DESKTOP,
    /** Neither way. */
    NONE;

    /** @return whether the browser's clipboard may reach the desktop */
    public boolean allowsToDesktop() {
        return this == BOTH || this == TO_DESKTOP;
    }

    /** @return whether the desktop's clipboard may reach the browser */
    public boolean allowsFromDesktop() {
        return this == BOTH || this == FROM_DESKTOP;
    }
}
