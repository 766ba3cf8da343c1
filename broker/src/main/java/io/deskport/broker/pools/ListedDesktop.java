package io.deskport.broker.pools;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A desktop as the admin lists show it: the desktop, and the names of the user it is assigned to, so that a page of
 * desktops says who uses each one without a request per user.
 *
 * @param assignedUsername the assigned user's username (null when the desktop is assigned to nobody)
 * @param assignedUserDisplayName the assigned user's display name (null when none is set or nobody is assigned)
 */
public record ListedDesktop(@JsonUnwrapped Desktop desktop, String assignedUsername, String assignedUserDisplayName) {
}
