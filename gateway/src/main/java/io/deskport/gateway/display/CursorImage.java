package io.deskport.gateway.display;

/**
 * The cursor as the remote server last sent it: {@code width * height} ARGB pixels and the hotspot.
 * Empty (0×0) when the server hides the cursor.
 */
record CursorImage(int hotX, int hotY, int width, int height, int[] argb) {
}
