import type Guacamole from 'guacamole-common-js';

import { fitScale } from './tunnelUrl';

/** A Guacamole display shown in a container of the page. */
export interface MountedDisplay {
  readonly display: Guacamole.Display;
  /** Fits the display into its container (never larger than the remote screen). */
  fit(): void;
}

/**
 * Puts a Guacamole display (a live client's, a shadow's or a recording's) into `container`, in place of what was
 * there, and keeps it fitted: whenever the remote screen changes size, and whenever {@link MountedDisplay.fit} is
 * called (the container changed). Used by the user's desktop, the console's view-only shadow and its recording player.
 */
export function mountDisplay(display: Guacamole.Display, container: HTMLElement): MountedDisplay {
  const element = display.getElement();
  element.classList.add('dp-remote-display');
  container.replaceChildren(element);
  // A desktop that hides its pointer sends an empty (0×0) cursor; guacamole-common-js would copy it into a
  // 0-sized canvas, which the browser refuses with an uncaught InvalidStateError on every connect. Hide it here.
  const setCursor = display.setCursor.bind(display);
  display.setCursor = (hotspotX, hotspotY, layer, srcx, srcy, srcw, srch) => {
    if (srcw > 0 && srch > 0) {
      setCursor(hotspotX, hotspotY, layer, srcx, srcy, srcw, srch);
      return;
    }
    display.showCursor(false);
    element.style.cursor = 'none';
  };
  const fit = () => display.scale(fitScale(container.clientWidth, container.clientHeight, display.getWidth(), display.getHeight()));
  display.onresize = fit;
  return { display, fit };
}
